"""Environment speed: user-steps per second (one list served to one user) for the single Gymnasium env
and the vector env (simulator.vector_env) with 1,024 users, random actions, persona brain."""

import statistics
import time

import numpy as np

from simulator.catalogue import default_index
from simulator.env import RecoWorldEnv
from simulator.vector_env import RecoWorldVectorEnv


def single_env_rate(steps: int, repeats: int) -> float:
    env = RecoWorldEnv(catalogue=default_index(), users=1000)
    rng = np.random.default_rng(0)
    times = []
    for r in range(repeats):
        env.reset(seed=r)
        actions = rng.integers(0, len(env.catalogue), (steps, env.config.list_size))
        start = time.perf_counter()
        for action in actions:
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                env.reset()
        times.append(time.perf_counter() - start)
    return steps / statistics.median(times)


def vector_env_rate(num_envs: int, steps: int, repeats: int) -> float:
    vec = RecoWorldVectorEnv(num_envs, catalogue=default_index(), users=1000)
    times = []
    for r in range(repeats):
        vec.reset(seed=r)
        vec.action_space.seed(r)
        actions = [vec.action_space.sample() for _ in range(steps)]
        start = time.perf_counter()
        for action in actions:
            vec.step(action)
        times.append(time.perf_counter() - start)
    return num_envs * steps / statistics.median(times)


def main() -> None:
    print(f"single env: {single_env_rate(300, 3):,.0f} user-steps/s (median of 3)")
    print(
        f"vector env, 1,024 users: {vector_env_rate(1024, 20, 5):,.0f} user-steps/s (median of 5; aim 50,000)"
    )


if __name__ == "__main__":
    main()
