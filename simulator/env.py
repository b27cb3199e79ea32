"""RecoWorldEnv: the simulated user as a Gymnasium-style environment for training recommender policies.

    env = RecoWorldEnv()
    obs, info = env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(["videoId1", "videoId2", ...])

An episode is one session of one user from the population. The action is a ranked list (item ids,
or catalogue indices as the action space samples them); the user goes through it item by item and
either reaches its end, or leaves and reflects. The observation holds the user's reactions to the
list and their instruction ("" when none); the reward is the session reward's mix earned in the
step (simulator.rewards). `terminated` when the user leaves without an instruction, `truncated`
when the turn or time cap ends the session. Registered as "RecoWorld-v0" when gymnasium is
installed; the simulator does not require it.
"""

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from simulator.brains.persona import PersonaBrain
from simulator.catalogue import CatalogueIndex, load_catalogue
from simulator.memory import EngagementMemory
from simulator.population import sample_population
from simulator.recommenders.parser import parse_instruction
from simulator.rewards import DEFAULT_WEIGHTS, instructions_satisfied, session_reward, turn_mix
from simulator.session import SessionConfig, SessionState
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
        self.reward_weights = reward_weights
        self.state: SessionState | None = None
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
        if "persona" in options:
            persona = Persona.from_dict(options["persona"])
        elif "user_index" in options:
            persona = self.population[int(options["user_index"]) % len(self.population)]
        else:
            persona = self.population[int(self._rng.integers(len(self.population)))]
        hour = float(options.get("hour", self._rng.uniform(0.0, 24.0)))
        context = Context(hour_of_day=round(hour, 2), country=persona.demographics.country)
        self.state = SessionState(
            persona,
            self.catalogue,
            config=self.config,
            context=context,
            memory=EngagementMemory(),
            params=getattr(self.brain, "params", None),
        )
        return self._observation(), {
            "user_id": persona.id,
            "context": context.to_dict(),
            "persona": persona.to_dict(),
        }

    def step(self, action) -> tuple[dict, float, bool, bool, dict]:
        """Show a ranked list; the user reacts until they leave or reach its end."""
        self.show(action)
        while self.state.status == "reacting":
            self.state.apply_reaction(self.brain.react([self.reaction_request()], self._rng)[0])
        if self.state.status == "reflecting":
            self.state.apply_reflection(self.brain.reflect([self.state.reflection_request()], self._rng)[0])
        return self.outcome()

    # `step` in three parts, so the vector env (simulator.vector_env) can decide many users' items
    # in one brain call and stay, draw for draw, what the single env does.

    def show(self, action) -> None:
        """Validate the action and put the list in front of the user."""
        if self.state is None or self.state.done:
            raise RuntimeError("call reset() before step(), and again after the episode ends")
        self.state.start_turn(self._ids(action))

    def reaction_request(self):
        return self.state.reaction_request(with_memory_text=getattr(self.brain, "reads_text", True))

    def outcome(self) -> tuple[dict, float, bool, bool, dict]:
        """The step's return once the user has gone through the list (or left it)."""
        state = self.state
        turn = state.trajectory.turns[-1] if state.trajectory.turns else None
        reward = turn_mix(turn, self.reward_weights) if turn is not None and turn.reactions else 0.0
        terminated = state.done and state.trajectory.end_reason in ("left", "list_exhausted")
        truncated = state.done and not terminated
        info: dict[str, Any] = {"reactions": [r.to_dict() for r in turn.reactions] if turn else []}
        if turn is not None and turn.reflection is not None:
            info["reflection"] = turn.reflection.to_dict()
        if state.done:
            info["end_reason"] = state.trajectory.end_reason
        if state.pending_instruction and not state.done:
            # The rule parser's reading, for policies that want it; the words are in the observation.
            info["plan"] = parse_instruction(state.pending_instruction, creators=self._creators).to_dict()
        if state.done:
            _, satisfied = instructions_satisfied(state.trajectory)
            weights = DEFAULT_WEIGHTS | (self.reward_weights or {})
            reward += satisfied * weights["instructions_satisfied"]  # the step rewards sum to the session mix
            info["session_reward"] = session_reward(state.trajectory, self.reward_weights).to_dict()
            info["trajectory"] = state.trajectory.to_dict()
        return self._observation(), float(reward), bool(terminated), bool(truncated), _present(info)

    def _max_watch_s(self) -> float:
        cap = getattr(getattr(self.brain, "params", None), "watch_ratio_cap", 3.0)
        return float(self.catalogue.duration_s.max() * max(cap, 1.0) + 1.0)

    def _ids(self, action) -> list[str]:
        values = list(np.asarray(action).ravel()) if not isinstance(action, list | tuple) else list(action)
        if not values:
            raise ValueError("the action is an empty list: rank at least one item")
        ids = []
        for v in values:
            if isinstance(v, str | np.str_):
                if str(v) not in self.catalogue.position:
                    raise ValueError(f"item id {str(v)!r} is not in the catalogue")
                ids.append(str(v))
            else:
                index = int(v)
                if not 0 <= index < len(self.catalogue):
                    raise ValueError(
                        f"item index {index} is outside the catalogue (0..{len(self.catalogue) - 1})"
                    )
                ids.append(self.catalogue.ids[index])
        return ids[: self.config.list_size]

    def _observation(self) -> dict:
        k = self.config.list_size
        state = self.state
        watch = np.zeros(k, np.float32)
        click, like, share = (np.zeros(k, np.int8) for _ in range(3))
        left_at = k
        turn = state.trajectory.turns[-1] if state.trajectory.turns else None
        if turn is not None:
            for i, r in enumerate(turn.reactions[:k]):
                watch[i], click[i], like[i], share[i] = r.watch_s, r.click, r.like, r.share
                if r.leave:
                    left_at = i
        instruction = (state.pending_instruction or "") if not state.done else ""
        if turn is not None and turn.reflection and turn.reflection.instruction:
            instruction = turn.reflection.instruction
        instruction = "".join(c for c in instruction if c in INSTRUCTION_CHARSET)[:MAX_INSTRUCTION]
        return {
            "history": state.rank_query().history.astype(np.float32),
            "watch_s": watch,
            "click": click,
            "like": like,
            "share": share,
            "left_at": left_at,
            "turn": min(len(state.trajectory.turns), self.config.max_turns),
            "instruction": instruction,
        }


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
