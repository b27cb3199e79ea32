import json
import subprocess
import sys

from tests.support import ROOT


def simulator(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


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
