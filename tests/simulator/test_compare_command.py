import json
import subprocess

from tests.support import simulator_cli

FOLLOWERS = ("--audience", "followers", "--niche", "fitness", "--follower-count", "20000", "--size", "300")


def _run(*args: str) -> subprocess.CompletedProcess:
    return simulator_cli("compare", *args)


def _draft(path, item_id: str, topics: dict[str, float]) -> str:
    path.write_text(
        json.dumps({"id": item_id, "creator_id": "me", "kind": "video", "duration_s": 30, "topics": topics})
    )
    return str(path)


def test_strategies_json_has_a_row_of_figures_with_intervals_per_schedule():
    short = ("--runs", "1", "--span", "2d", "--horizon", "24h")
    result = _run("strategies", "once", "daily-18h", *FOLLOWERS, *short, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["compare"] == "strategies" and out["runs"] == 1 and out["horizon"] == "24h"
    assert list(out["rows"]) == ["once", "daily-18h"]
    once, daily = out["rows"]["once"], out["rows"]["daily-18h"]
    assert set(once) == set(daily) >= {"posts", "reach", "views_per_post", "show_less_per_1k_impressions"}
    assert all(set(f) == {"mean", "lo", "hi", "sd"} for f in once.values())
    assert once["posts"]["mean"] == 1 and daily["posts"]["mean"] == 2  # one post a day over two days
    assert any("reaches the most people" in line for line in out["summary"])


def test_strategies_print_a_table_with_a_column_per_schedule_and_bands():
    short = ("--runs", "2", "--span", "2d", "--horizon", "6h")
    result = _run("strategies", "once", "3-a-day", *FOLLOWERS, *short)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "300 simulated users (followers, organic), 2 run(s)" in lines[0]
    assert lines[1].split() == ["once", "3-a-day"]
    views = next(line for line in lines if line.startswith("views_per_post"))
    assert views.count("[") == 2 and " to " in views
    assert any(line.startswith("- ") for line in lines)


def test_variants_json_compares_each_variant_with_the_first(tmp_path):
    a = _draft(tmp_path / "a.json", "a", {"fitness": 1.0})
    b = _draft(tmp_path / "b.json", "b", {"fitness": 0.5, "autos": 0.5})
    variants = ("--variant", f"A={a}", "--variant", f"B={b}")
    result = _run("variants", *variants, *FOLLOWERS, "--runs", "2", "--horizon", "24h", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["compare"] == "variants" and list(out["rows"]) == ["A", "B", "B - A"]
    diff = out["rows"]["B - A"]["views_per_post"]
    assert diff["lo"] <= diff["mean"] <= diff["hi"]
    assert len(out["summary"]) == 1 and out["summary"][0].startswith("'B' gets ")


def test_an_unknown_strategy_is_refused_by_name_before_anything_runs():
    result = _run("strategies", "once", "hourly", "--size", "300")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: schedule 'hourly' is not one of once, daily-18h, 3-a-day, 2-a-week"
    ]


def test_bad_variants_get_a_one_line_reason_and_exit_code_2(tmp_path):
    a = _draft(tmp_path / "a.json", "a", {"fitness": 1.0})
    for args, reason in (
        (("--variant", f"A={a}"), "needs two or more --variant NAME=FILE"),
        (("--variant", a, "--variant", f"B={a}"), "should look like A=draft-a.json"),
        (("--variant", f"A={a}", "--variant", f"A={a}"), "two variants are named 'A'"),
        (("--variant", f"A={a}", "--variant", f"B={tmp_path / 'none.json'}"), "cannot read the draft"),
    ):
        result = _run("variants", *args, "--size", "300")
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert reason in result.stderr
