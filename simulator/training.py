"""Learning a ranking policy in the environment: `python -m simulator train --policy linucb --steps N`.

The policy ranks for every user of a vector env (simulator.vector_env) at once, sees the reactions
to the items each user reached, and updates; the learning curve is the mean step reward per block.
"""

import numpy as np

from simulator.catalogue import CatalogueIndex, default_index
from simulator.recommenders.policies import LinUCBPolicy
from simulator.vector_env import RecoWorldVectorEnv

POLICIES = ("linucb",)


def train(
    policy: str = "linucb",
    *,
    steps: int = 4000,
    seed: int = 0,
    num_envs: int = 16,
    users: int = 500,
    blocks: int = 10,
    catalogue: CatalogueIndex | None = None,
) -> tuple[LinUCBPolicy, list[dict]]:
    """Train for `steps` user-steps; returns the policy (set to serve) and the learning curve."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}: choose one of {', '.join(POLICIES)}")
    if steps < num_envs:
        raise ValueError(f"steps must be at least num_envs ({num_envs})")
    catalogue = catalogue or default_index()
    # Trained on its own population: the leaderboard's users are never seen in training.
    vec = RecoWorldVectorEnv(num_envs, catalogue=catalogue, users=users, population_seed=seed + 1000)
    learner = LinUCBPolicy(catalogue)
    vec.reset(seed=seed)
    k = vec.config.list_size
    rounds = steps // num_envs
    per_round = []
    for _ in range(rounds):
        queries = [vec.rank_query(i) for i in range(num_envs)]
        stepping = ~vec._ended
        actions = [[catalogue.position[i] for i in learner.rank(q, k)] for q in queries]
        _, reward, *_ = vec.step(np.array(actions))
        rows = np.flatnonzero(stepping)
        item_rewards = vec.engine.item_rewards(rows)  # the mix's engagement part per item reached
        for j, i in enumerate(rows):
            reached = vec.engine.reacted[i]
            ids = [catalogue.ids[x] for x in vec.engine.items[i, :reached]]
            learner.learn(queries[i], ids, item_rewards[j, :reached].tolist())
        per_round.append(float(reward[stepping].mean()))
    learner.explore = False
    size = max(1, rounds // blocks)
    curve = [
        {
            "user_steps": (b + size) * num_envs,
            "mean_step_reward": round(float(np.mean(per_round[b : b + size])), 4),
        }
        for b in range(0, rounds, size)
    ]
    return learner, curve
