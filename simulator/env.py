"""RecoWorldEnv: the simulated user as a Gymnasium-style environment for training recommender policies.

    env = RecoWorldEnv()
    obs, info = env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(["videoId1", "videoId2", ...])

An episode is one session of one user from the population. The action is a ranked list (item ids,
or catalogue indices as the action space samples them); the user goes through it item by item and
either reaches its end, or leaves and reflects. The observation holds the user's reactions to the
list and their instruction ("" when none); the reward is the session reward's mix earned in the
step (simulator.rewards). `terminated` when the user leaves without an instruction, `truncated`
when the turn or time cap ends the session. The session runs on the array engine
(simulator.session_batch) with one row, the engine the vector env steps with N rows, so the two
agree on the same seeds by construction. Registered as "RecoWorld-v0" when gymnasium is
installed; the simulator does not require it.
"""

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from simulator.audiences import sample_population
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import CatalogueIndex, load_catalogue
from simulator.recommenders.base import RankQuery
from simulator.recommenders.parser import parse_instruction
from simulator.session import SessionConfig
from simulator.session_batch import DONE, END_REASONS, SessionBatch, Users
from simulator.taxonomy import TOPICS
from simulator.types import Context, Persona

try:
    import gymnasium
    from gymnasium import spaces
    from gymnasium.vector.utils import shared_memory
except ImportError:  # the environment works without gymnasium; only the spaces need it
    gymnasium = None
    spaces = None

_BASE = gymnasium.Env if gymnasium is not None else object
INSTRUCTION_CHARSET = string.ascii_letters + string.digits + string.punctuation + " "
MAX_INSTRUCTION = 300
_KEY_RANGE = 1 << 63


def draw_starts(
    rngs: Sequence[np.random.Generator], population_size: int, options: dict
) -> list[tuple[int, float, int]]:
    """New episodes' (user index, local hour, draw key), one from each env's generator: the single env
    and the vector sub-envs call it, so a seed picks the same user and luck in both.
    options: {"user_index": i}, {"hour": h}; index -1 when options name a persona."""
    # rng.integers(2**63, size=3), as its bounded draw (Lemire's, for a range of 2**63) computes it:
    # each value is one raw 64-bit draw shifted right by one (a test checks the two agree). The vector
    # env resets hundreds of sub-envs a step, and `integers` costs ten times as much per call.
    draws = [(g.bit_generator.random_raw(3) >> np.uint64(1)).tolist() for g in rngs]
    starts = []
    for user, hour, key in draws:
        if "persona" in options:
            index = -1
        elif "user_index" in options:
            index = int(options["user_index"]) % population_size
        else:
            index = user % population_size
        starts.append((index, round(float(options.get("hour", hour / _KEY_RANGE * 24.0)), 2), key))
    return starts


def action_indices(action, catalogue: CatalogueIndex, list_size: int) -> np.ndarray:
    """An action (ids or catalogue indices) as indices, cut to the list size; bad ones refused."""
    values = list(np.asarray(action).ravel()) if not isinstance(action, list | tuple) else list(action)
    if not values:
        raise ValueError("the action is an empty list: rank at least one item")
    out = []
    for v in values:
        if isinstance(v, str | np.str_):
            if str(v) not in catalogue.position:
                raise ValueError(f"item id {str(v)!r} is not in the catalogue")
            out.append(catalogue.position[str(v)])
        else:
            index = int(v)
            if not 0 <= index < len(catalogue):
                raise ValueError(f"item index {index} is outside the catalogue (0..{len(catalogue) - 1})")
            out.append(index)
    padded = np.full(list_size, -1, int)
    kept = out[:list_size]
    padded[: len(kept)] = kept
    return padded


def observations(engine: SessionBatch, rows: np.ndarray) -> dict:
    """The observation of each row (arrays with the rows first; instructions as a tuple)."""
    k, r = engine.config.list_size, rows
    leave = engine.acts["leave"][r]
    return {
        "history": engine.history(r).astype(np.float32),
        "watch_s": engine.watch_s[r].astype(np.float32),
        "click": engine.acts["click"][r].astype(np.int8),
        "like": engine.acts["like"][r].astype(np.int8),
        "share": engine.acts["share"][r].astype(np.int8),
        "left_at": np.where(leave.any(axis=1), np.argmax(leave, axis=1), k),
        "turn": np.minimum(engine.turns[r], engine.config.max_turns),
        "instruction": tuple(_printable(text) if text else "" for text in engine.instruction[r]),
    }


def _printable(text: str) -> str:
    return "".join(c for c in text if c in INSTRUCTION_CHARSET)[:MAX_INSTRUCTION]


def terminal_flags(engine: SessionBatch, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(terminated, truncated): the user really left (or nothing was left to show) against a cap."""
    done = engine.status[rows] == DONE
    left = np.isin(engine.end_reason[rows], [END_REASONS.index("left"), END_REASONS.index("list_exhausted")])
    return done & left, done & ~left


class RecoWorldEnv(_BASE):
    metadata = {"render_modes": []}

    def __init__(
        self,
        *,
        catalogue: CatalogueIndex | None = None,
        population: list[Persona] | None = None,
        users: int = 100,
        population_seed: int = 0,
        list_size: int = 10,
        max_turns: int = 5,
        max_minutes: float = 60.0,
        brain: Any = None,
        reward_weights: dict[str, float] | None = None,
    ):
        self.catalogue = catalogue or CatalogueIndex(load_catalogue())
        self.population = population or sample_population(users, population_seed)
        if not self.population:
            raise ValueError("the environment needs at least one user")
        self.config = SessionConfig(
            mode="multi_turn", list_size=list_size, max_turns=max_turns, max_minutes=max_minutes
        )
        problems = self.config.validate()
        if problems:
            raise ValueError("; ".join(problems))
        self.brain = brain or PersonaBrain()
        if not hasattr(self.brain, "features_of"):
            raise ValueError("the environment runs the persona brain's array form (a PersonaBrain)")
        self.reward_weights = reward_weights
        self.users = Users(self.population)
        self.engine = SessionBatch(1, self.catalogue, self.config, self.brain)
        self._started = False
        self._creators = sorted(set(self.catalogue.creators.tolist()))
        self._rng = np.random.default_rng()
        if spaces is not None:
            k = list_size
            self.action_space = spaces.MultiDiscrete(np.full(k, len(self.catalogue)))
            self.observation_space = spaces.Dict(
                {
                    "history": spaces.Box(0.0, 1.0, (len(TOPICS),), np.float32),
                    "watch_s": spaces.Box(0.0, self._max_watch_s(), (k,), np.float32),
                    "click": spaces.MultiBinary(k),
                    "like": spaces.MultiBinary(k),
                    "share": spaces.MultiBinary(k),
                    "left_at": spaces.Discrete(k + 1),
                    "turn": spaces.Discrete(max_turns + 1),
                    "instruction": InstructionText(
                        MAX_INSTRUCTION, min_length=0, charset=INSTRUCTION_CHARSET
                    ),
                }
            )

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        """Start a session. options: {"user_index": i} or {"persona": Persona dict}, {"hour": h}."""
        if gymnasium is not None:
            super().reset(seed=seed)
            self._rng = self.np_random
        elif seed is not None:
            self._rng = np.random.default_rng(seed)
        options = options or {}
        [(index, hour, key)] = draw_starts([self._rng], len(self.population), options)
        if index < 0:
            persona = Persona.from_dict(options["persona"])
            Users([persona]).start(self.engine, [0], [0], hours=[hour], keys=[key])
        else:
            persona = self.population[index]
            self.users.start(self.engine, [0], [index], hours=[hour], keys=[key])
        self._started = True
        context = Context(hour_of_day=hour, country=persona.demographics.country)
        return self._observation(), {
            "user_id": persona.id,
            "context": context.to_dict(),
            "persona": persona.to_dict(),
        }

    def step(self, action) -> tuple[dict, float, bool, bool, dict]:
        """Show a ranked list; the user reacts until they leave or reach its end."""
        if not self._started or self.engine.status[0] == DONE:
            raise RuntimeError("call reset() before step(), and again after the episode ends")
        self.engine.step([0], action_indices(action, self.catalogue, self.config.list_size)[None])
        row = np.array([0])
        reward = float(self.engine.turn_rewards(row, self.reward_weights)[0])
        terminated, truncated = (bool(x[0]) for x in terminal_flags(self.engine, row))
        return self._observation(), reward, terminated, truncated, self._info()

    def rank_query(self) -> RankQuery:
        """The user as a recommender may see them (stated interests, observed engagement)."""
        return self.engine.rank_query(0)

    def _info(self) -> dict:
        e, n = self.engine, int(self.engine.reacted[0])
        ids = [self.catalogue.ids[j] for j in e.items[0, :n]]
        acts = {name: e.acts[name][0, :n].tolist() for name in e.acts}
        info: dict[str, Any] = {
            "reactions": [
                {"item_id": ids[i], "watch_s": round(float(e.watch_s[0, i]), 2)}
                | {a: acts[a][i] for a in acts}
                for i in range(n)
            ]
        }
        if e.reflected[0]:
            info["reflection"] = {"user_id": int(e.user_id[0]), "instruction": e.instruction[0] or None}
        done = e.status[0] == DONE
        if e.instruction[0] and not done:
            # The rule parser's reading, for policies that want it; the words are in the observation.
            info["plan"] = parse_instruction(e.instruction[0], creators=self._creators).to_dict()
        if done:
            info["end_reason"] = END_REASONS[e.end_reason[0]]
            rewards = {
                k: v[0].item() for k, v in e.session_rewards(np.array([0]), self.reward_weights).items()
            }
            given = rewards["instructions"]
            rewards["instruction_satisfied"] = (
                None if given == 0 else rewards["instructions_satisfied"] == given
            )
            info["session_reward"] = rewards | {"end_reason": info["end_reason"]}
        return _present(info)

    def _max_watch_s(self) -> float:
        cap = getattr(getattr(self.brain, "params", None), "watch_ratio_cap", 3.0)
        return float(self.catalogue.duration_s.max() * max(cap, 1.0) + 1.0)

    def _observation(self) -> dict:
        obs = observations(self.engine, np.array([0]))
        return {k: v[0] if k != "left_at" and k != "turn" else int(v[0]) for k, v in obs.items()}


def _present(info: dict) -> dict:
    """Drop the keys that have no value, at every level of nested dicts: a key is present only when
    it has a value, and then always of one type. Gymnasium's vector envs batch each key into one
    array (with a `_key` mask for the sub-envs that have it), so a key that is None in one sub-env
    and a dict or a bool in another breaks them or is silently cast."""
    return {k: _present(v) if isinstance(v, dict) else v for k, v in info.items() if v is not None}


if gymnasium is not None:

    class InstructionText(spaces.Text):
        """The instruction's space: a Text whose AsyncVectorEnv shared memory is read when used.

        Gymnasium (1.4) reads an async vector env's shared observation buffer once, when the env is
        built, and relies on views for later steps; a Text is decoded into strings at that read, so
        every later instruction would come back as the first (empty) one. Here the read gives a view
        that decodes the buffer on access, and a copy of it is a tuple of strings.
        """

    class SharedInstructions(Sequence):
        """The sub-envs' instructions, decoded from the shared buffer each time they are read."""

        def __init__(self, space: InstructionText, buffer, n: int):
            self.space = space
            self.codes = np.frombuffer(buffer.get_obj(), dtype=np.int32).reshape((n, space.max_length))

        def __len__(self) -> int:
            return len(self.codes)

        def __getitem__(self, i):
            if isinstance(i, slice):
                return tuple(self[j] for j in range(*i.indices(len(self))))
            chars, size = self.space.character_list, len(self.space.character_set)
            return "".join(chars[c] for c in self.codes[i] if c < size)

        def __eq__(self, other) -> bool:
            return tuple(self) == tuple(other)

        def __deepcopy__(self, memo) -> tuple[str, ...]:
            return tuple(self)

        def __repr__(self) -> str:
            return repr(tuple(self))

    @shared_memory.read_from_shared_memory.register(InstructionText)
    def _read_instructions(space: InstructionText, buffer, n: int = 1) -> SharedInstructions:
        return SharedInstructions(space, buffer, n)


if gymnasium is not None and "RecoWorld-v0" not in gymnasium.registry:
    gymnasium.register(
        id="RecoWorld-v0",
        entry_point="simulator.env:RecoWorldEnv",
        vector_entry_point="simulator.vector_env:RecoWorldVectorEnv",
    )
