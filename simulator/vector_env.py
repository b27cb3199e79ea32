"""RecoWorldVectorEnv: N users of RecoWorldEnv stepped together on one array engine.

    envs = gymnasium.make_vec("simulator.env:RecoWorld-v0", num_envs=1024)   # this class
    obs, info = envs.reset(seed=1)            # sub-env i is seeded with seed + i, as Gymnasium's own
    obs, reward, terminated, truncated, info = envs.step(actions)   # actions: (N, list_size) indices

The sessions are rows of one simulator.session_batch engine, the engine a single RecoWorldEnv runs
with one row. Each sub-env keeps its own generator for what a reset draws (user, hour, draw key),
and the engine's draws are keyed per (user key, turn, position), so sub-env i lives exactly what a
single RecoWorldEnv reset with seed + i lives: the vector env agrees with N single envs step for
step (a test checks it). An ended sub-env is reset on the next step (Gymnasium's next-step
autoreset), which then returns its first observation with reward 0.

`info` holds, as Gymnasium batches it (an array per key and a `_key` mask of the sub-envs that
have it), `end_reason` and `session_reward` for the sub-envs whose episode ended; the single env's
per-item reactions are in the observation.
"""

from typing import Any

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from simulator.catalogue import default_index
from simulator.env import RecoWorldEnv, action_indices, draw_starts, observations, terminal_flags
from simulator.session_batch import DONE, END_REASONS, SessionBatch, Users
from simulator.types import Persona


class RecoWorldVectorEnv(VectorEnv):
    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, num_envs: int = 1, **env_kwargs):
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        env_kwargs.setdefault("catalogue", default_index())
        single = RecoWorldEnv(**env_kwargs)  # the spaces, population, brain and settings of one
        self.single = single
        self.catalogue, self.population, self.brain = single.catalogue, single.population, single.brain
        self.config, self.reward_weights, self.users = single.config, single.reward_weights, single.users
        self.engine = SessionBatch(num_envs, self.catalogue, self.config, self.brain)
        self.num_envs = num_envs
        self.single_observation_space = single.observation_space
        self.single_action_space = single.action_space
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._rngs = [np.random.default_rng() for _ in range(num_envs)]
        self._options: dict = {}
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
        for i, s in enumerate(seeds):
            if s is not None:
                self._rngs[i] = np.random.default_rng(s)  # what Gymnasium's np_random(s) builds
        self._options = options or {}
        self._start(np.arange(self.num_envs))
        self._ended[:] = False
        return observations(self.engine, np.arange(self.num_envs)), {}

    def _start(self, rows: np.ndarray) -> None:
        if not len(rows):
            return
        starts = draw_starts([self._rngs[i] for i in rows], len(self.population), self._options)
        index, hours, keys = (np.array(x) for x in zip(*starts, strict=True))
        if index[0] < 0:  # one persona given in the options, for every sub-env
            Users([Persona.from_dict(self._options["persona"])]).start(
                self.engine, rows, np.zeros(len(rows), int), hours=hours, keys=keys.astype(np.uint64)
            )
        else:
            self.users.start(self.engine, rows, index, hours=hours, keys=keys.astype(np.uint64))

    def step(self, actions) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        lists = self._lists(actions)
        stepping = np.flatnonzero(~self._ended)
        resetting = np.flatnonzero(self._ended)
        self.engine.step(stepping, lists[stepping])
        rewards = np.zeros(self.num_envs)
        terminated = np.zeros(self.num_envs, bool)
        truncated = np.zeros(self.num_envs, bool)
        rewards[stepping] = self.engine.turn_rewards(stepping, self.reward_weights)
        terminated[stepping], truncated[stepping] = terminal_flags(self.engine, stepping)
        infos = self._infos(stepping[self.engine.status[stepping] == DONE])
        self._start(resetting)
        self._ended = terminated | truncated
        return observations(self.engine, np.arange(self.num_envs)), rewards, terminated, truncated, infos

    def rank_query(self, i: int):
        """Sub-env i's user as a recommender may see them."""
        return self.engine.rank_query(i)

    def _lists(self, actions) -> np.ndarray:
        k, n = self.config.list_size, len(self.catalogue)
        if len(actions) != self.num_envs:
            raise ValueError(f"{len(actions)} actions for {self.num_envs} sub-envs")
        array = np.asarray(actions) if not isinstance(actions, list | tuple) else None
        if array is not None and array.ndim == 2 and np.issubdtype(array.dtype, np.integer):
            if array.shape[1] == 0:
                raise ValueError("the action is an empty list: rank at least one item")
            if array.min() < 0 or array.max() >= n:
                raise ValueError(f"an item index is outside the catalogue (0..{n - 1})")
            lists = np.full((self.num_envs, k), -1, int)
            lists[:, : min(k, array.shape[1])] = array[:, :k]
            return lists
        return np.array([action_indices(a, self.catalogue, k) for a in actions])

    def _infos(self, ended: np.ndarray) -> dict[str, Any]:
        """end_reason and session_reward for the sub-envs whose episode ended this step, batched."""
        mask = np.zeros(self.num_envs, bool)
        mask[ended] = True
        if not len(ended):
            return {}
        reasons = np.full(self.num_envs, None, dtype=object)
        reasons[ended] = [END_REASONS[c] for c in self.engine.end_reason[ended]]
        rewards: dict[str, Any] = {}
        for name, values in self.engine.session_rewards(ended, self.reward_weights).items():
            column = np.zeros(self.num_envs, np.asarray(values).dtype)
            column[ended] = values
            rewards[name], rewards[f"_{name}"] = column, mask
        return {
            "end_reason": reasons,
            "_end_reason": mask,
            "session_reward": rewards,
            "_session_reward": mask,
        }
