import json
import subprocess
import sys

import numpy as np

from simulator.audiences import sample_population
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.leaderboard import COLUMNS, leaderboard
from simulator.recommenders.policies import RandomPolicy
from simulator.rewards import session_reward
from simulator.session import run_sessions
from simulator.training import train
from tests.support import ROOT

CATALOGUE = default_index()


def test_the_policy_learned_in_the_env_beats_random_on_the_same_users():
    learned, curve = train("linucb", steps=1600, seed=3, num_envs=16, users=100, catalogue=CATALOGUE)
    assert len(curve) == 10 and not learned.explore
    people = sample_population(200, 5)  # not the training population (seed + 1000)
    mixes = {}
    for name, policy in (("learned", learned), ("random", RandomPolicy(CATALOGUE, 5))):
        trajectories = run_sessions(people, policy, PersonaBrain(), CATALOGUE, seed=5)
        mixes[name] = np.array([session_reward(t).mix for t in trajectories])
    diff = mixes["learned"] - mixes["random"]  # paired: the same users with the same streams
    assert diff.mean() > 0 and diff.mean() > 2 * diff.std() / np.sqrt(len(diff))


def test_the_leaderboard_ranks_every_policy_on_the_same_users_with_intervals():
    result = leaderboard(users=40, seed=1, train_steps=160)
    assert list(result["policies"]) == [
        "random",
        "popularity",
        "traditional",
        "ease",
        "instruction_following",
        "linucb",
    ]
    for row in result["policies"].values():
        assert set(row) == set(COLUMNS)
        assert all(c["low"] <= c["mean"] <= c["high"] for c in row.values())
    # traditional ranks by the user's taste, random does not: NDCG on true taste tells them apart
    ndcg = {n: r["ndcg@10"]["mean"] for n, r in result["policies"].items()}
    assert ndcg["traditional"] > ndcg["random"] + 0.3
    assert -1.0 <= result["ndcg_retention"]["correlation_across_policies"] <= 1.0


def test_train_prints_its_learning_curve():
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "train", "--policy", "linucb", "--steps", "64", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["policy"] == "linucb" and len(result["curve"]) >= 4 and len(result["theta"]) == 6
    bad = subprocess.run(
        [sys.executable, "-m", "simulator", "train", "--policy", "dqn"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "unknown policy" in bad.stdout


def test_ease_is_fitted_with_its_stated_ridge_penalty():
    from simulator.fitting.corating import CoRatingTaste
    from simulator.recommenders.policies import EasePolicy

    ids = list(CATALOGUE.position)
    sessions = [ids[0:4], ids[2:7], ids[5:9], ids[0:2]]
    policy = EasePolicy(CATALOGUE, sessions)
    assert policy.taste.l2 == EasePolicy.L2 == 50.0
    histories = [np.array([CATALOGUE.position[i] + 1 for i in s]) for s in sessions]
    direct = CoRatingTaste.fit(histories, len(ids), 50.0)
    assert np.allclose(policy.taste.weights, direct.weights)


def test_retention_follows_the_users_habit_and_their_satisfaction():
    from simulator.leaderboard import RETURN_WINDOW_H, return_chance

    assert RETURN_WINDOW_H == 24.0
    # neutral satisfaction: the habit's own Poisson chance of a session in the next day
    assert np.isclose(return_chance(3.0, 0.5), 1.0 - np.exp(-3.0))
    assert return_chance(0.5, 0.5) < return_chance(3.0, 0.5) < return_chance(10.0, 0.5)
    assert return_chance(0.5, 0.1) < return_chance(0.5, 0.5) < return_chance(0.5, 0.9)
