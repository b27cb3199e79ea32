"""The multi-turn session of the paper: per item think -> act -> update mindset; leave -> reflect ->
instruction -> a new list; until the user leaves without an instruction or a cap ends it.

`SessionState` is one user's session as a small state machine that any driver can push: the
simulated loop `run_sessions` (many users in lock-step, one brain call per step for the whole
batch), the human interface (simulator.human) and the Gymnasium environment (simulator.env).
"""

from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np

from simulator.brains.base import Brain, ReactionRequest, ReflectionRequest
from simulator.brains.persona_params import PersonaParams
from simulator.catalogue import CatalogueIndex
from simulator.memory import EngagementMemory, SessionSummary
from simulator.preferences import engagement_signal, topic_dict, topic_vector, update_interests
from simulator.recommenders.base import RankQuery, Recommender
from simulator.recommenders.plan import RerankPlan
from simulator.serial import JsonRecord
from simulator.types import (
    Context,
    EndReason,
    Item,
    Mindset,
    Persona,
    Reaction,
    Reflection,
    Session,
    Trajectory,
    Turn,
)

Mode = Literal["multi_turn", "single_list", "human"]
Status = Literal["needs_list", "reacting", "reflecting", "done"]


@dataclass
class SessionConfig(JsonRecord):
    """The paper's modes: `multi_turn` (instructions on; the recommender decides whether it listens),
    `single_list` (instructions disabled: one list is scored, then the session ends), `human`."""

    mode: Mode = "multi_turn"
    list_size: int = 10
    max_turns: int = 5
    max_minutes: float = 60.0

    def validate(self) -> list[str]:
        problems = []
        if self.mode not in ("multi_turn", "single_list", "human"):
            problems.append(f"mode {self.mode!r} is not one of multi_turn, single_list, human")
        if not 1 <= self.list_size <= 200:
            problems.append("list_size must be between 1 and 200")
        if not 1 <= self.max_turns <= 100:
            problems.append("max_turns must be between 1 and 100")
        if not 0 < self.max_minutes <= 24 * 60:
            problems.append("max_minutes must be above 0 and at most a day")
        return problems


class SessionState:
    """One user's session. The driver asks `status` and calls the matching method."""

    def __init__(
        self,
        persona: Persona,
        catalogue: CatalogueIndex,
        *,
        config: SessionConfig | None = None,
        context: Context | None = None,
        memory: EngagementMemory | None = None,
        params: PersonaParams | None = None,
        started_at_h: float = 0.0,
    ):
        self.persona = persona
        self.catalogue = catalogue
        self.config = config or SessionConfig()
        problems = self.config.validate()
        if problems:
            raise ValueError("; ".join(problems))
        self.context = context or Context(country=persona.demographics.country)
        self.memory = memory if memory is not None else EngagementMemory()
        self.params = params or PersonaParams.load()
        self.base_interests = topic_vector(persona.interests)
        self.interests = self.base_interests.copy()
        self.exposure = np.zeros_like(self.interests)  # decayed, for the user's satiation
        self.shown_topics = np.zeros_like(self.interests)  # what the platform showed, for recommenders
        self.mindset = Mindset(curiosity=persona.behaviour.novelty_seeking)
        self.seconds = 0.0
        self.started_at_h = started_at_h
        self.trajectory = Trajectory(session=Session(persona.id, self.context, started_at_h))
        self.status: Status = "needs_list"
        self.position = 0  # index in the current list
        self.items_seen = 0
        self.shown: set[str] = set()
        self.plan: RerankPlan | None = None
        self.pending_instruction: str | None = None

    # What the platform may use to rank: stated interests and observed engagement, never the
    # latent state.
    def rank_query(self) -> RankQuery:
        engaged = self.memory.topic_profile
        history = 0.5 * self.base_interests + (0.5 * engaged / engaged.sum() if engaged.sum() > 0 else 0.0)
        history = history / history.sum() if np.sum(history) > 0 else history
        return RankQuery(
            user_id=self.persona.id,
            history=history,
            exclude=set(self.shown),
            now_h=self.now_h,
            preferred_s=self.persona.behaviour.preferred_video_s,
            shown_topics=self.shown_topics / self.shown_topics.sum() if self.shown_topics.sum() > 0 else None,
            engaged=tuple(r.item_id for t in self.trajectory.turns for r in t.reactions if r.click),
        )

    @property
    def now_h(self) -> float:
        return self.started_at_h + self.seconds / 3600.0

    @property
    def turn(self) -> Turn:
        return self.trajectory.turns[-1]

    @property
    def done(self) -> bool:
        return self.status == "done"

    def start_turn(self, item_ids: list[str]) -> None:
        """Show a new ranked list (ids unknown to the catalogue are dropped, repeats kept once)."""
        if self.status != "needs_list":
            raise RuntimeError(f"a new list is not expected now (status {self.status})")
        ids = [i for i in dict.fromkeys(item_ids) if i in self.catalogue.position]
        if not ids:
            self._end("list_exhausted")
            return
        self.trajectory.turns.append(Turn(items=ids, reactions=[]))
        self.position = 0
        self.status = "reacting"

    def current_item(self) -> Item:
        return self.catalogue.by_id(self.turn.items[self.position])

    def reaction_request(self, *, with_memory_text: bool = True) -> ReactionRequest:
        """The current item's decision; the memory in words only for brains that read it."""
        item = self.current_item()
        return ReactionRequest(
            persona=self.persona,
            item=item,
            context=self.context,
            mindset=self.mindset,
            interests=topic_dict(self.interests),
            memory_summary=self.memory.summary(self.context, self.now_h) if with_memory_text else "",
            recent_topics=topic_dict(self.exposure, min_weight=0.01),
            position=self.items_seen,
            session_seconds=self.seconds,
            familiar_topics=self.memory.familiar_topics(),
            creator_seen=self.memory.creator_seen(item.creator_id, self.now_h),
            follows_item_creator=item.creator_id in self.memory.following,
        )

    def apply_reaction(self, reaction: Reaction) -> None:
        """Record the act, then update the state: eq. 4 (interests), exposure, memory, time."""
        apply_reactions([self], [reaction])

    def _after_reaction(
        self, reaction: Reaction, item: Item, topics: np.ndarray, interests: np.ndarray
    ) -> None:
        """Everything of `apply_reaction` but the interest update (done for the batch at once)."""
        self.turn.reactions.append(reaction)
        self.shown.add(item.id)
        self.items_seen += 1
        self.position += 1
        self.seconds += reaction.watch_s if reaction.watch_s > 0 else self.params.skip_s
        self.interests = interests
        self.exposure = self.exposure * self.params.exposure_decay + topics
        self.shown_topics += topics
        self.mindset = reaction.mindset
        self.memory.record(reaction, item, self.context, self.now_h, topics)
        if reaction.leave:
            self.status = "reflecting"
        elif self.seconds >= self.config.max_minutes * 60.0:
            self._end("time_cap")
        elif self.position >= len(self.turn.items):
            self._list_finished()

    def _list_finished(self) -> None:
        if self.config.mode == "single_list":
            self._end("single_list")
        elif len(self.trajectory.turns) >= self.config.max_turns:
            self._end("turn_cap")
        else:
            self.pending_instruction = None  # scrolled to the end: the feed simply continues
            self.status = "needs_list"

    def reflection_request(self) -> ReflectionRequest:
        items = {i: self.catalogue.by_id(i) for i in self.turn.items[: len(self.turn.reactions)]}
        return ReflectionRequest(
            persona=self.persona,
            context=self.context,
            mindset=self.mindset,
            interests=topic_dict(self.interests),
            last_turn=self.turn,
            items=items,
            memory_summary=self.memory.summary(self.context, self.now_h),
        )

    def apply_reflection(self, reflection: Reflection) -> None:
        """Leaving: with no instruction (or instructions disabled) the session ends."""
        if self.status != "reflecting":
            raise RuntimeError(f"the user is not leaving (status {self.status})")
        if self.config.mode == "single_list":
            reflection.instruction = None
        self.turn.reflection = reflection
        if not reflection.instruction:
            self._end("left")
        elif self.seconds >= self.config.max_minutes * 60.0:
            self._end("time_cap")
        elif len(self.trajectory.turns) >= self.config.max_turns:
            self._end("turn_cap")
        else:
            self.pending_instruction = reflection.instruction
            self.status = "needs_list"

    def next_list(self, recommender: Recommender) -> None:
        """Ask the recommender for the next list (it updates its plan first if it follows instructions)."""
        self.plan = recommender.plan(self.pending_instruction, self.plan)
        self.start_turn(recommender.rank(self.rank_query(), self.config.list_size, self.plan))

    def to_dict(self) -> dict:
        """Everything needed to resume the session elsewhere (a web request, a worker)."""
        return {
            "persona": self.persona.to_dict(),
            "config": self.config.to_dict(),
            "context": self.context.to_dict(),
            "memory": self.memory.to_dict(),
            "started_at_h": self.started_at_h,
            "interests": self.interests.tolist(),
            "exposure": self.exposure.tolist(),
            "shown_topics": self.shown_topics.tolist(),
            "mindset": self.mindset.to_dict(),
            "seconds": self.seconds,
            "trajectory": self.trajectory.to_dict(),
            "status": self.status,
            "position": self.position,
            "items_seen": self.items_seen,
            "shown": sorted(self.shown),
            "plan": self.plan.to_dict() if self.plan else None,
            "pending_instruction": self.pending_instruction,
        }

    @classmethod
    def from_dict(
        cls, data: dict, catalogue: CatalogueIndex, params: PersonaParams | None = None
    ) -> "SessionState":
        state = cls(
            Persona.from_dict(data["persona"]),
            catalogue,
            config=SessionConfig.from_dict(data["config"]),
            context=Context.from_dict(data["context"]),
            memory=EngagementMemory.from_dict(data["memory"]),
            params=params,
            started_at_h=data["started_at_h"],
        )
        state.interests = np.array(data["interests"], float)
        state.exposure = np.array(data["exposure"], float)
        state.shown_topics = np.array(data["shown_topics"], float)
        state.mindset = Mindset.from_dict(data["mindset"])
        state.seconds = float(data["seconds"])
        state.trajectory = Trajectory.from_dict(data["trajectory"])
        state.status = data["status"]
        state.position = int(data["position"])
        state.items_seen = int(data["items_seen"])
        state.shown = set(data["shown"])
        state.plan = RerankPlan.from_dict(data["plan"]) if data["plan"] else None
        state.pending_instruction = data["pending_instruction"]
        return state

    def _end(self, reason: EndReason) -> None:
        self.trajectory.end_reason = reason
        self.status = "done"
        reactions = self.trajectory.reactions
        topics = Counter(
            max(it.topics, key=it.topics.get)
            for it in (self.catalogue.by_id(r.item_id) for r in reactions if not r.skipped)
            if it.topics
        )
        self.memory.end_session(
            SessionSummary(
                started_at_h=self.started_at_h,
                items=len(reactions),
                watched=sum(not r.skipped for r in reactions),
                watch_s=round(sum(r.watch_s for r in reactions), 1),
                likes=sum(r.like for r in reactions),
                shares=sum(r.share for r in reactions),
                top_topics=[t for t, _ in topics.most_common(3)],
                instructions=self.trajectory.instructions,
                topic_counts=dict(topics.most_common(5)),
            )
        )


def apply_reactions(states: list[SessionState], reactions: list[Reaction]) -> None:
    """`state.apply_reaction(reaction)` for a batch, with eq. 4's interest update as one array step
    (row for row the same arithmetic as one user at a time, so a user's session does not depend on
    who shares the batch)."""
    if not states:
        return
    if any(s.params is not states[0].params for s in states[1:]):  # one update-rate set per batch
        for state, reaction in zip(states, reactions, strict=True):
            apply_reactions([state], [reaction])
        return
    for state in states:
        if state.status != "reacting":
            raise RuntimeError(f"no item is waiting for a reaction (status {state.status})")
    catalogue = states[0].catalogue
    items = [s.current_item() for s in states]
    rows = np.array([s.catalogue.position[it.id] for s, it in zip(states, items, strict=True)])
    topics = (
        catalogue.topics[rows]
        if all(s.catalogue is catalogue for s in states)
        else np.array([s.catalogue.topics[r] for s, r in zip(states, rows, strict=True)])
    )
    signal = engagement_signal(
        np.array([r.watch_s for r in reactions], float),
        np.array([it.duration_s for it in items], float),
        np.array([r.like for r in reactions]),
        np.array([r.share for r in reactions]),
        np.array([r.skipped for r in reactions]),
    )
    interests = update_interests(
        np.array([s.interests for s in states]),
        np.array([s.base_interests for s in states]),
        topics,
        signal,
        states[0].params.update_rates,
    )
    for k, (state, reaction, item) in enumerate(zip(states, reactions, items, strict=True)):
        state._after_reaction(reaction, item, topics[k], interests[k])


def run_sessions(
    personas: list[Persona],
    recommender: Recommender,
    brain: Brain,
    catalogue: CatalogueIndex,
    *,
    seed: int,
    config: SessionConfig | None = None,
    contexts: list[Context] | None = None,
    memories: list[EngagementMemory] | None = None,
    started_at_h: float = 0.0,
) -> list[Trajectory]:
    """Simulate one session per persona, all in lock-step so the brain decides each step's batch at once.

    Each user draws from their own stream, seeded by (seed, persona id), when the brain accepts
    one generator per request: a user's session is then the same whoever else is in the batch,
    so two recommenders face the same users with the same luck (common random numbers).
    """
    config = config or SessionConfig()
    if config.mode == "human":
        raise ValueError("human sessions are driven by a person: use simulator.human.HumanSession")
    params = getattr(brain, "params", None)
    reads_text = getattr(brain, "reads_text", True)
    per_user = getattr(brain, "rng_per_request", False)
    shared = np.random.default_rng(seed)
    streams = {p.id: np.random.default_rng([seed, p.id]) for p in personas}

    def rngs(batch: list[SessionState]):
        return [streams[s.persona.id] for s in batch] if per_user else shared

    states = [
        SessionState(
            p,
            catalogue,
            config=config,
            context=contexts[i] if contexts else None,
            memory=memories[i] if memories else None,
            params=params if isinstance(params, PersonaParams) else None,
            started_at_h=started_at_h,
        )
        for i, p in enumerate(personas)
    ]
    while True:
        for s in states:
            if s.status == "needs_list":
                s.next_list(recommender)
        reacting = [s for s in states if s.status == "reacting"]
        if reacting:
            reactions = brain.react(
                [s.reaction_request(with_memory_text=reads_text) for s in reacting], rngs(reacting)
            )
            apply_reactions(reacting, reactions)
        reflecting = [s for s in states if s.status == "reflecting"]
        if reflecting:
            reflections = brain.reflect([s.reflection_request() for s in reflecting], rngs(reflecting))
            for s, reflection in zip(reflecting, reflections, strict=True):
                s.apply_reflection(reflection)
        if all(s.done for s in states):
            return [s.trajectory for s in states]
