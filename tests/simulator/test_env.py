import numpy as np
import pytest

from simulator.catalogue import default_index
from simulator.env import RecoWorldEnv, draw_starts
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
    """Play one episode with a recommender as the policy; returns (rewards, obs, final info,
    terminated, truncated, every step's reactions)."""
    rec = make_recommender(recommender, CATALOGUE)
    obs, info = env.reset(seed=seed)
    plan, rewards, reactions = None, [], []
    while True:
        plan = rec.plan(obs["instruction"] or None, plan)
        ids = rec.rank(env.rank_query(), env.config.list_size, plan)
        obs, reward, terminated, truncated, info = env.step(ids)
        rewards.append(reward)
        reactions.append(info["reactions"])
        if terminated or truncated:
            return rewards, obs, info, terminated, truncated, reactions


def test_the_same_seed_gives_the_same_episode():
    a = policy_episode(make_env(), seed=5)
    b = policy_episode(make_env(), seed=5)
    assert a[0] == b[0] and a[5] == b[5] and a[2]["session_reward"] == b[2]["session_reward"]
    assert policy_episode(make_env(), seed=6)[5] != a[5]


def test_step_rewards_add_up_to_the_session_reward_and_the_episode_ends_properly():
    for seed in range(8):
        rewards, obs, info, terminated, truncated, _ = policy_episode(make_env(max_turns=3), seed)
        assert sum(rewards) == pytest.approx(info["session_reward"]["mix"], abs=1e-3)
        end = info["end_reason"]
        assert terminated == (end in ("left", "list_exhausted")) and truncated == (
            end in ("turn_cap", "time_cap")
        )
        if end == "left":
            assert "instruction" not in info["reflection"] and obs["instruction"] == ""


def test_the_observation_carries_reactions_and_the_instruction():
    env = make_env()
    for seed in range(30):
        obs, _ = env.reset(seed=seed)
        obs, reward, terminated, truncated, info = env.step(list(range(10)))
        assert env.observation_space.contains(obs)
        reactions = info["reactions"]
        assert list(obs["click"][: len(reactions)]) == [int(r["click"]) for r in reactions]
        assert obs["watch_s"][: len(reactions)] == pytest.approx([r["watch_s"] for r in reactions], abs=1e-3)
        if info.get("reflection", {}).get("instruction") and not (terminated or truncated):
            assert obs["instruction"] == info["reflection"]["instruction"]
            assert "plan" in info
            return
    pytest.fail("no user instructed in 30 episodes")


def test_actions_may_be_ids_or_catalogue_indices_and_bad_ones_are_refused():
    env = make_env()
    env.reset(seed=1)
    with pytest.raises(ValueError, match="outside the catalogue"):
        env.step([len(CATALOGUE) + 5])
    with pytest.raises(ValueError, match="empty list"):
        env.step([])
    with pytest.raises(ValueError, match="not in the catalogue"):
        env.step([CATALOGUE.ids[0], "no-such-video"])
    obs, *_ = env.step(np.array([0, 1, 2]))
    assert obs["turn"] == 1
    fresh = make_env()
    with pytest.raises(RuntimeError, match="reset"):
        fresh.step([0])


def test_reset_draws_are_the_generators_own_integers():
    """draw_starts reads raw draws for speed; they must be what rng.integers(2**63, size=3) gives."""
    for seed in range(50):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        for _ in range(20):
            user, hour, key = a.integers(1 << 63, size=3).tolist()
            [start] = draw_starts([b], 1000, {})
            assert start == (user % 1000, round(hour / (1 << 63) * 24.0, 2), key)


def test_a_chosen_user_can_be_reset_into():
    env = make_env()
    _, info = env.reset(seed=1, options={"user_index": 3, "hour": 8.0})
    assert info["user_id"] == env.population[3].id and info["context"]["hour_of_day"] == 8.0


def _leaf_types(info: dict, path: str, seen: dict) -> None:
    for key, value in info.items():
        kind = "dict" if isinstance(value, dict) else type(value).__name__
        seen.setdefault(f"{path}/{key}", set()).add(kind)
        if isinstance(value, dict):
            _leaf_types(value, f"{path}/{key}", seen)


def test_every_info_key_keeps_one_type_across_steps_and_episodes():
    """Gymnasium's vector envs batch each info key into one array: None beside a dict breaks them."""
    env, rng, seen = make_env(), np.random.default_rng(0), {}
    for seed in range(60):
        _, info = env.reset(seed=seed)
        _leaf_types(info, "reset", seen)
        done = False
        while not done:
            _, _, terminated, truncated, info = env.step(rng.integers(0, len(CATALOGUE), 10))
            _leaf_types(info, "step", seen)
            done = terminated or truncated
    mixed = {path: kinds for path, kinds in seen.items() if len(kinds) > 1}
    assert not mixed and "step/reflection" in seen and "step/session_reward/instruction_satisfied" in seen


def _single_replay(seed: int, actions: list[np.ndarray], n: int):
    """What `n` single envs give for the vector env's seeds and actions, with its next-step autoreset."""
    envs = [make_env(list_size=3) for _ in range(n)]
    obs = [env.reset(seed=seed + i)[0] for i, env in enumerate(envs)]
    ended = [False] * n
    steps = [obs]
    for action in actions:
        row = []
        for i, env in enumerate(envs):
            if ended[i]:
                o, r, term, trunc = env.reset()[0], 0.0, False, False
            else:
                o, r, term, trunc, _ = env.step(action[i])
            ended[i] = term or trunc
            row.append((o, r, term, trunc))
        steps.append(row)
    return steps


@pytest.mark.parametrize("mode", ["sync", "async", "vector_entry_point"])
def test_gymnasium_vector_envs_step_a_thousand_times_and_match_the_single_env(mode):
    n, seed = 4, 11
    vec = gymnasium.make_vec(
        "simulator.env:RecoWorld-v0", num_envs=n, vectorization_mode=mode, users=20, list_size=3
    )
    try:
        vec.action_space.seed(3)
        actions = [vec.action_space.sample() for _ in range(1000)]
        obs, _ = vec.reset(seed=seed)
        expected = _single_replay(seed, actions, n)
        for i in range(n):
            assert obs["instruction"][i] == expected[0][i]["instruction"]
        ends = 0
        for t, action in enumerate(actions, start=1):
            obs, reward, terminated, truncated, info = vec.step(action)
            for i, (o, r, term, trunc) in enumerate(expected[t]):
                assert reward[i] == pytest.approx(r) and terminated[i] == term and truncated[i] == trunc
                assert (
                    np.array_equal(obs["watch_s"][i], o["watch_s"])
                    and obs["instruction"][i] == o["instruction"]
                )
                assert np.allclose(obs["history"][i], o["history"])
            ends += int(terminated.sum() + truncated.sum())
        assert ends > 100  # many episodes ended and were reset inside the run
    finally:
        vec.close()


def test_make_vec_finds_the_native_vector_env_and_it_is_deterministic_per_seed():
    from simulator.vector_env import RecoWorldVectorEnv

    runs = []
    for _ in range(2):
        vec = gymnasium.make_vec("simulator.env:RecoWorld-v0", num_envs=8, users=20)
        assert isinstance(vec, RecoWorldVectorEnv)
        vec.action_space.seed(0)
        vec.reset(seed=4)
        runs.append([vec.step(vec.action_space.sample())[1].tolist() for _ in range(30)])
    assert runs[0] == runs[1]
    with pytest.raises(ValueError, match="8 sub-envs"):
        vec.step(np.zeros((3, 10), int))
