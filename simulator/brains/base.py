"""The batch interface every brain implements, and what it is asked."""

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from simulator.serial import JsonRecord
from simulator.types import Context, Item, Mindset, Persona, Reaction, Reflection, Turn


@dataclass
class ReactionRequest(JsonRecord):
    """One (user, item, context) decision, with the user's state at that moment."""

    persona: Persona
    item: Item
    context: Context
    mindset: Mindset
    interests: dict[str, float]  # the evolved interest state (eq. 4-5), topic -> weight
    memory_summary: str = ""  # compressed engagement memory (eq. 1-3), in words
    recent_topics: dict[str, float] = field(default_factory=dict)  # decayed session exposures
    position: int = 0  # index of the item in the session
    session_seconds: float = 0.0  # time spent so far in the session
    shared_by: int | None = None  # neighbour whose share brought the item, if any
    familiar_topics: dict[str, float] = field(default_factory=dict)  # memory's topic profile (novelty)
    creator_seen: float = 0.0  # recent posts of this item's creator the user saw (creator fatigue)
    # Does the user follow this item's creator? None: persona.social.follows_creator (the creator
    # whose post an audience is simulated for); the session loop sets it per item.
    follows_item_creator: bool | None = None


@dataclass
class ReflectionRequest(JsonRecord):
    """A user about to leave, with the turn that led there."""

    persona: Persona
    context: Context
    mindset: Mindset
    interests: dict[str, float]
    last_turn: Turn
    items: dict[str, Item]  # the items of that turn by id
    memory_summary: str = ""


@dataclass
class BrainUsage(JsonRecord):
    """What deciding cost: counted per brain and returned with the results."""

    decisions: int = 0
    fallbacks: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0

    def add(self, other: "BrainUsage") -> None:
        for name in ("decisions", "fallbacks", "retries", "prompt_tokens", "output_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Brain(Protocol):
    name: str
    usage: BrainUsage

    def react(self, requests: list[ReactionRequest], rng: np.random.Generator) -> list[Reaction]:
        """Decide every request of the batch; the i-th reaction answers the i-th request."""
        ...

    def reflect(self, requests: list[ReflectionRequest], rng: np.random.Generator) -> list[Reflection]:
        """Reasons for leaving and an instruction (or none) for every leaving user."""
        ...
