import numpy as np
import pytest

from simulator.catalogue import default_index
from simulator.env import RecoWorldEnv
from simulator.recommenders import make_recommender

gymnasium = pytest.importorskip("gymnasium")

CATALOGUE = default_index()


def make_env(**kw) -> RecoWorldEnv:
    return RecoWorldEnv(catalogue=CATALOGUE, users=20, **kw)


def test_the_environment_passes_gymnasiums_checker():
    from gymnasium.utils.env_checker import check_env

    check_env(make_env())


def test_it_is_registered_with_gymnasium():
    env = gymnasium.make("RecoWorld-v0", users=5)
    obs, info = env.reset(seed=1)
    assert env.observation_space.contains(obs) and "persona" in info


def policy_episode(env: RecoWorldEnv, seed: int, recommender: str = "instruction_following"):
    """Play one episode with a recommender as the policy; returns (rewards, final info)."""
    rec = make_recommender(recommender, CATALOGUE)
    obs, info = env.reset(seed=seed)
    state, plan, rewards = env.state, None, []
    while True:
        plan = rec.plan(obs["instruction"] or None, plan)
        ids = rec.rank(state.rank_query(), env.config.list_size, plan)
        obs, reward, terminated, truncated, info = env.step(ids)
        rewards.append(reward)
        if terminated or truncated:
            return rewards, obs, info, terminated, truncated


def test_the_same_seed_gives_the_same_episode():
    a = policy_episode(make_env(), seed=5)
    b = policy_episode(make_env(), seed=5)
    assert a[0] == b[0] and a[2]["trajectory"] == b[2]["trajectory"]
    assert policy_episode(make_env(), seed=6)[2]["trajectory"] != a[2]["trajectory"]


def test_step_rewards_add_up_to_the_session_reward_and_the_episode_ends_properly():
    for seed in range(8):
        rewards, obs, info, terminated, truncated = policy_episode(make_env(max_turns=3), seed)
        assert sum(rewards) == pytest.approx(info["session_reward"]["mix"], abs=1e-3)
        end = info["end_reason"]
        assert terminated == (end in ("left", "list_exhausted")) and truncated == (
            end in ("turn_cap", "time_cap")
        )
        if end == "left":
            assert info["reflection"]["instruction"] is None and obs["instruction"] == ""


def test_the_observation_carries_reactions_and_the_instruction():
    env = make_env()
    for seed in range(30):
        obs, _ = env.reset(seed=seed)
        obs, reward, terminated, truncated, info = env.step(list(range(10)))
        assert env.observation_space.contains(obs)
        reactions = info["reactions"]
        assert list(obs["click"][: len(reactions)]) == [int(r["click"]) for r in reactions]
        assert obs["watch_s"][: len(reactions)] == pytest.approx([r["watch_s"] for r in reactions], abs=1e-3)
        if info["reflection"] and info["reflection"]["instruction"] and not (terminated or truncated):
            assert obs["instruction"] == info["reflection"]["instruction"]
            assert "plan" in info
            return
    pytest.fail("no user instructed in 30 episodes")


def test_actions_may_be_ids_or_catalogue_indices_and_bad_ones_are_refused():
    env = make_env()
    env.reset(seed=1)
    with pytest.raises(ValueError, match="outside the catalogue"):
        env.step([len(CATALOGUE) + 5])
    obs, *_ = env.step(np.array([0, 1, 2]))
    assert obs["turn"] == 1
    fresh = make_env()
    with pytest.raises(RuntimeError, match="reset"):
        fresh.step([0])


def test_a_chosen_user_can_be_reset_into():
    env = make_env()
    _, info = env.reset(seed=1, options={"user_index": 3, "hour": 8.0})
    assert info["user_id"] == env.population[3].id and info["context"]["hour_of_day"] == 8.0
