import json
import os
import subprocess
import sys

from tests.support import ROOT, simulator_cli


def _run(*args: str) -> subprocess.CompletedProcess:
    return simulator_cli("world", *args)


def test_json_output_names_the_horizons_and_carries_intervals(tmp_path):
    draft = tmp_path / "draft.json"
    draft.write_text(
        json.dumps(
            {"id": "d", "creator_id": "me", "kind": "video", "duration_s": 20, "topics": {"comedy": 1}}
        )
    )
    result = _run("--size", "400", "--runs", "2", "--horizon", "24h", "--draft", str(draft), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out["horizons"]) == ["6h", "12h", "24h"]
    views = out["horizons"]["24h"]["views"]
    assert views["lo"] <= views["mean"] <= views["hi"]
    assert out["config"]["posts"][0]["item"]["id"] == "d" and out["runs"] == 2 and out["summary"]


def test_the_table_is_printed_for_a_followers_audience_with_the_sample_draft():
    result = _run(
        "--audience",
        "followers",
        "--niche",
        "food",
        "--follower-count",
        "5000",
        "--size",
        "300",
        "--runs",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert "impressions" in result.stdout and "1w" in result.stdout and "300 simulated users" in result.stdout


def test_bad_input_gets_a_clear_message_and_exit_code_2(tmp_path):
    bad = tmp_path / "draft.json"
    bad.write_text("{not json")
    result = _run("--draft", str(bad), "--size", "100")
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    csv = tmp_path / "followers.csv"
    csv.write_text("age_band,gender,country,interests\n12-99,female,US,food\n")
    result = _run("--audience", "followers", "--followers-csv", str(csv), "--size", "100")
    assert result.returncode == 2 and "row 1: age_band '12-99'" in result.stderr
    result = _run("--audience", "slice", "--filter", "age_band", "--size", "100")
    assert result.returncode == 2 and "should look like" in result.stderr


def test_an_llm_panel_calibrates_the_command_line_run():
    from tests.simulator.llm_support import ScriptedServer, completion
    from tests.simulator.test_world_panel import _answer

    answer = completion(json.dumps(_answer(True, seconds=20)))
    with ScriptedServer(lambda body, n: (200, answer, 0)) as server:
        env = {"SIM_LLM_ENGINE": "openai", "SIM_LLM_MODEL": "taste", "SIM_LLM_BASE_URL": server.base_url}
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "world", "--size", "400", "--runs", "1", "--horizon", "24h"]
            + ["--brain", "llm", "--panel", "10", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **env},
        )
    assert result.returncode == 0, result.stderr
    panel = json.loads(result.stdout)["panel"]
    assert len(server.requests) == 10 and panel["usage"]["decisions"] == 10
    assert panel["users_by_brain"] == {"llm panel": 10, "calibrated persona": 400}


def test_the_platforms_recommender_is_chosen_and_its_feed_sessions_reported():
    out = {}
    for name in ("traditional", "instruction_following"):
        result = _run("--size", "600", "--runs", "1", "--horizon", "24h", "--recommender", name, "--json")
        assert result.returncode == 0, result.stderr
        out[name] = json.loads(result.stdout)
        assert out[name]["config"]["recommender"] == name
        feed = out[name]["feed"]
        assert feed["sessions"] > 0 and 0 <= feed["left_before_share"] <= 1
    # the same users and luck: the traditional recommender never moves the post for what users said
    assert out["traditional"]["feed"]["post_topic"]["post_down"] == 0
    assert out["traditional"]["feed"]["post_topic"]["post_up"] == 0
    refused = _run("--size", "600", "--recommender", "magic")
    assert refused.returncode == 2 and "magic" in refused.stderr
