import json
import subprocess
import sys

from tests.support import ROOT, simulator_cli

simulator = simulator_cli


def test_session_json_is_one_object_and_the_same_for_the_same_seed():
    first = simulator("session", "--seed", "1", "--users", "4", "--json")
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    assert len(out["sessions"]) == 4 and out["recommender"] == "instruction_following"
    for s in out["sessions"]:
        assert s["trajectory"]["turns"] and s["rewards"]["end_reason"] == s["trajectory"]["end_reason"]
    assert set(out["mean_rewards"]) >= {"time_spent_s", "clicks", "likes", "turns", "session_length", "mix"}
    assert simulator("session", "--seed", "1", "--users", "4", "--json").stdout == first.stdout


def test_session_text_shows_the_trajectory_and_rewards():
    result = simulator("session", "--seed", "2", "--users", "2", "--recommender", "traditional")
    assert result.returncode == 0, result.stderr
    assert "== user 1" in result.stdout and "turn 1:" in result.stdout and "ended:" in result.stdout
    assert "mean over 2 sessions" in result.stdout


def test_single_list_mode_scores_one_list():
    out = json.loads(
        simulator("session", "--seed", "3", "--users", "5", "--mode", "single_list", "--json").stdout
    )
    assert all(len(s["trajectory"]["turns"]) == 1 for s in out["sessions"])


def test_compare_plays_the_same_users_with_each_recommender():
    result = simulator("session", "--seed", "4", "--users", "150", "--compare", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out["recommenders"]) == {"traditional", "instruction_following"}
    assert out["instructing_users"] > 10
    mix = {name: groups["instructing"]["mix"] for name, groups in out["recommenders"].items()}
    assert mix["instruction_following"] > mix["traditional"]
    text = simulator("session", "--seed", "4", "--users", "20", "--compare").stdout
    assert "instruct when they first leave" in text and "instruction_following" in text


def test_bad_arguments_get_a_clear_message():
    result = simulator("session", "--users", "0")
    assert result.returncode == 2 and "must be at least 1" in result.stderr
    result = simulator("session", "--weights", '{"dwell": 2}')
    assert result.returncode == 2 and "unknown reward weights" in result.stderr
    result = simulator("session", "--weights", "{likes: 2")
    assert result.returncode == 2 and result.stderr.startswith("error:")
    result = simulator("session", "--weights", '{"likes": "two"}')
    assert result.returncode == 2 and "must be numbers" in result.stderr
    result = simulator("session", "--compare", "--mode", "human")
    assert result.returncode == 2 and "cannot be combined" in result.stderr
    result = simulator("session", "--recommender", "magic")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_human_mode_reads_actions_from_the_terminal():
    actions = "12 like\n\n5 leave\nToo much comedy, more music\n0 leave\n\n"
    result = simulator("session", "--mode", "human", "--seed", "1", "--json", stdin=actions)
    assert result.returncode == 0, result.stderr
    reward = json.loads(result.stdout.strip().splitlines()[-1])
    assert reward["likes"] == 1 and reward["instructions"] == 1 and reward["turns"] == 2
    assert reward["end_reason"] == "left"


def test_the_session_commands_llm_follower_reads_each_instruction_and_reorders_through_the_engine():
    """--follower llm: every instruction goes to the engine's plan prompt, every re-ranked list to its
    order prompt (a real loopback server answering "more gaming" and the reversed order)."""
    import os

    from tests.simulator.llm_support import ScriptedServer, completion

    plan = {"more_topics": ["gaming"], "less_topics": [], "more_creators": [], "less_creators": []}
    plan |= {"related": False, "diversity": 0.3, "freshness": 0.0, "length": "same"}

    def script(body, n):
        if body["response_format"]["json_schema"]["name"] == "plan":
            return 200, completion(json.dumps(plan)), 0
        count = body["messages"][-1]["content"].count("<item>")
        return 200, completion(json.dumps({"order": list(range(count, 0, -1))})), 0

    with ScriptedServer(script) as server:
        env = os.environ | {
            "SIM_LLM_ENGINE": "openai",
            "SIM_LLM_MODEL": "m",
            "SIM_LLM_BASE_URL": server.base_url,
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "simulator",
                "session",
                "--seed",
                "1",
                "--users",
                "6",
                "--follower",
                "llm",
                "--json",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        kinds = [r["response_format"]["json_schema"]["name"] for r in server.requests]
    assert result.returncode == 0, result.stderr
    turns = [t for s in json.loads(result.stdout)["sessions"] for t in s["trajectory"]["turns"]]
    instructed = [t for t in turns[:-1] if t.get("reflection") and t["reflection"].get("instruction")]
    assert instructed, "no simulated user instructed: the test says nothing"
    assert kinds.count("plan") >= len(instructed) and kinds.count("rerank") >= 1
    assert set(kinds) <= {"plan", "rerank"}


def test_the_llm_follower_is_refused_for_a_human_in_the_terminal():
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_LLM_")}
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "session", "--follower", "llm", "--mode", "human"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 2 and "not with --mode human" in result.stderr
