"""RecoWorldVectorEnv: N users of RecoWorldEnv stepped together, one brain call per item for the batch.

    envs = gymnasium.make_vec("simulator.env:RecoWorld-v0", num_envs=1024)   # this class
    obs, info = envs.reset(seed=1)            # sub-env i is seeded with seed + i, as Gymnasium's own
    obs, reward, terminated, truncated, info = envs.step(actions)   # actions: (N, list_size) indices

Each sub-env keeps its own generator, and the persona brain accepts one generator per decision, so
sub-env i draws exactly what a single RecoWorldEnv reset with seed + i draws: the vector env agrees
with N single envs step for step (a test checks it). An ended sub-env is reset on the next step
(Gymnasium's next-step autoreset), which then returns its first observation with reward 0.
"""

from typing import Any

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space, concatenate, create_empty_array

from simulator.catalogue import default_index
from simulator.env import RecoWorldEnv
from simulator.session import apply_reactions


class RecoWorldVectorEnv(VectorEnv):
    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, num_envs: int = 1, **env_kwargs):
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        env_kwargs.setdefault("catalogue", default_index())
        first = RecoWorldEnv(**env_kwargs)
        if not getattr(first.brain, "rng_per_request", False):
            raise ValueError("the vector env needs a brain that takes one generator per decision (persona)")
        env_kwargs |= {"population": first.population, "brain": first.brain}
        self.envs = [first] + [RecoWorldEnv(**env_kwargs) for _ in range(num_envs - 1)]
        self.brain = first.brain
        self.num_envs = num_envs
        self.single_observation_space = first.observation_space
        self.single_action_space = first.action_space
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._observations = create_empty_array(self.single_observation_space, num_envs)
        self._ended = np.zeros(num_envs, bool)

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        seeds = (
            [None if seed is None else seed + i for i in range(self.num_envs)]
            if not isinstance(seed, list)
            else seed
        )
        if len(seeds) != self.num_envs:
            raise ValueError(f"{len(seeds)} seeds for {self.num_envs} sub-envs")
        if seed is not None:
            self._np_random_seed = seeds[0]
        observations, infos = [], {}
        for i, (env, s) in enumerate(zip(self.envs, seeds, strict=True)):
            obs, info = env.reset(seed=s, options=options)
            observations.append(obs)
            infos = self._add_info(infos, info, i)
        self._ended[:] = False
        return self._batch(observations), infos

    def step(self, actions) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        actions = list(actions) if isinstance(actions, list | tuple) else np.asarray(actions)
        if len(actions) != self.num_envs:
            raise ValueError(f"{len(actions)} actions for {self.num_envs} sub-envs")
        stepping = [i for i in range(self.num_envs) if not self._ended[i]]
        for i in stepping:
            self.envs[i].show(actions[i])
        self._react([self.envs[i] for i in stepping])
        observations = [None] * self.num_envs
        rewards = np.zeros(self.num_envs)
        terminated = np.zeros(self.num_envs, bool)
        truncated = np.zeros(self.num_envs, bool)
        infos: dict[str, Any] = {}
        for i, env in enumerate(self.envs):
            if self._ended[i]:
                observations[i], info = env.reset()
            else:
                observations[i], rewards[i], terminated[i], truncated[i], info = env.outcome()
            infos = self._add_info(infos, info, i)
        self._ended = terminated | truncated
        return self._batch(observations), rewards, terminated, truncated, infos

    def _react(self, envs: list[RecoWorldEnv]) -> None:
        """Everyone through their list in lock-step: one batch per item position, then the leavers."""
        while reacting := [e for e in envs if e.state.status == "reacting"]:
            reactions = self.brain.react([e.reaction_request() for e in reacting], [e._rng for e in reacting])
            apply_reactions([e.state for e in reacting], reactions)
        if reflecting := [e for e in envs if e.state.status == "reflecting"]:
            reflections = self.brain.reflect(
                [e.state.reflection_request() for e in reflecting], [e._rng for e in reflecting]
            )
            for env, reflection in zip(reflecting, reflections, strict=True):
                env.state.apply_reflection(reflection)

    def _batch(self, observations: list[dict]) -> dict:
        self._observations = concatenate(self.single_observation_space, observations, self._observations)
        return self._observations
