"""LLM runs of the world: an LLM panel calibrates the persona brain for the whole audience.

Before any shard runs, `calibrate_world` draws a panel from the audience's archetypes
(simulator.panel) and shows every post to every panel member as a fresh post in their feed, in their
local evening of the posting day, as a follower or not: the LLM brain decides all of them in one
batch. Per post and archetype, the LLM's rates over the persona brain's for the same requests
(viewing, the acts and the watched share per view) scale the propensities of every user of that
archetype for that post (`post_factors`). The shards then run the persona brain on those
propensities: a 100k audience costs panel x posts prompts, not 100k sessions of them.

The calibration is data (JSON): every shard of a rerun applies the same one, so the run's users are
all simulated by the calibrated persona brain and the panel's members answered the LLM. Reruns after
the first apply a bootstrap of it (`Calibration.resampled`): the bands carry the panel's sampling
error.
"""

import os
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.audiences import Population
from simulator.brains.base import BrainUsage, ReactionRequest
from simulator.brains.persona import PersonaBrain
from simulator.panel import Calibration, Panel, archetype_features, nearest
from simulator.serial import JsonRecord
from simulator.text.reactions import STATE_PREFIX
from simulator.types import Context, Item, Mindset, Reaction
from simulator.world.config import WorldConfig
from simulator.world.setup import setup_population

if TYPE_CHECKING:
    from simulator.brains.llm import LLMBrain

FACTORS = ("view", "like", "comment", "share", "follow", "watch")
SAMPLES_KEPT = 40  # panel reactions kept in words, for the results page
_EVENING_H = 20.0  # the panel meets each post in the evening of its posting day, local time
_PANEL_STREAM = 0x9A4E1


@dataclass
class WorldCalibration(JsonRecord):
    """The panel's verdict, per distinct post (`by_item`, keyed by the draft's item id) and archetype."""

    panel_size: int
    centroids: list[list[float]]
    by_item: dict[str, Calibration]
    usage: BrainUsage
    refusals: dict[str, int] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)
    representation: str = "text"
    model: str = ""
    seconds: float = 0.0

    @property
    def fallback_share(self) -> float:
        return self.usage.fallbacks / self.usage.decisions if self.usage.decisions else 0.0

    def report(self, users: int) -> dict[str, Any]:
        """Which users were simulated by which brain, what the LLM cost and how it moved the rates."""
        return {
            "users_by_brain": {"llm panel": self.panel_size, "calibrated persona": users},
            "users": users,
            "panel_size": self.panel_size,
            "archetypes": len(self.centroids),
            "model": self.model,
            "representation": self.representation,
            "usage": self.usage.to_dict(),
            "fallback_share": round(self.fallback_share, 4),
            "refusals": self.refusals,
            "seconds": self.seconds,
            "factors": {item: c.factors for item, c in self.by_item.items()},
        }


def base_item_id(item_id: str) -> str:
    """A strategy posts one draft several times ('draft-3#2'): the panel judges the draft once."""
    return item_id.split("#")[0]


def population_features(pop: Population) -> np.ndarray:
    rates = np.column_stack([pop.like_rate, pop.share_rate, pop.comment_rate])
    return archetype_features(pop.interests, pop.age, rates)


def _requests(pop: Population, rows: np.ndarray, item: Item, at_hours: float, rng) -> list[ReactionRequest]:
    out = []
    for i in rows:
        persona = pop.persona(int(i))
        local = at_hours + float(pop.utc_offset_h[i])
        day = int(local // 24)
        out.append(
            ReactionRequest(
                persona=persona,
                item=replace(item, id=base_item_id(item.id)),
                context=Context(
                    hour_of_day=_EVENING_H, weekday=day % 7, country=persona.demographics.country
                ),
                mindset=Mindset(),
                interests=persona.interests,
                position=int(rng.geometric(0.2)) - 1,  # a few items into the session, 4 on average
            )
        )
    return out


def calibrate_world(config: WorldConfig, brain: "LLMBrain") -> WorldCalibration:
    """Draw the panel, ask the LLM about every (member, distinct post), fit the factors."""
    started = time.perf_counter()
    pop = setup_population(config)
    rng = np.random.default_rng([config.seed, _PANEL_STREAM])
    panel = Panel(population_features(pop), pop.ids, config.panel_size, rng)
    items: dict[str, tuple[Item, float]] = {}
    for post in config.posts:
        items.setdefault(base_item_id(post.item.id), (post.item, post.at_hours))
    asked = {key: _requests(pop, panel.member_rows, item, at, rng) for key, (item, at) in items.items()}
    before = BrainUsage(**brain.usage.to_dict())
    refused_before = dict(brain.refusals)
    flat = [r for requests in asked.values() for r in requests]
    reactions = brain.react(flat, rng)
    persona = PersonaBrain()
    by_item, start = {}, 0
    for key, requests in asked.items():
        answered = reactions[start : start + len(requests)]
        start += len(requests)
        by_item[key] = panel.calibrate(answered, requests, persona, rng)
    usage = BrainUsage(**{k: v - getattr(before, k) for k, v in brain.usage.to_dict().items()})
    refusals = {
        k: v - refused_before.get(k, 0) for k, v in brain.refusals.items() if v > refused_before.get(k, 0)
    }
    return WorldCalibration(
        panel_size=len(panel.members),
        centroids=panel.centroids.tolist(),
        by_item=by_item,
        usage=usage,
        refusals=refusals,
        samples=_samples(pop, flat, reactions),
        representation=brain.representation,
        model=_model_name(getattr(brain.engine.config, "model", "")),
        seconds=round(time.perf_counter() - started, 2),
    )


def _model_name(model: str) -> str:
    """A hub name as is; a local folder by its name (its path says nothing to a creator)."""
    return os.path.basename(model.rstrip("/")) if os.path.isabs(model) else model


def _samples(pop: Population, requests: list[ReactionRequest], reactions: list[Reaction]) -> list[dict]:
    """The panel's reactions in the LLM's own words (valid answers first)."""
    fallback = STATE_PREFIX + "the LLM's answers were invalid, so the persona brain decided this one."
    order = sorted(range(len(reactions)), key=lambda i: reactions[i].brain != "llm")[:SAMPLES_KEPT]
    out = []
    for i in order:
        q, r = requests[i], reactions[i]
        done = [name for name in ("like", "share", "follow") if getattr(r, name)] + (
            ["comment"] if r.comment else []
        )
        viewed = r.click or r.watch_s > 0
        action = (
            f"watched {r.watch_s:.0f} s" + (" and " + ", ".join(done) if done else "")
            if viewed
            else "skipped"
        )
        out.append(
            {
                "user_id": q.persona.id,
                "persona": pop.summary(q.persona.id),
                "item_id": q.item.id,
                "action": action,
                "watch_s": round(float(r.watch_s), 1),
                # an answer the LLM wrote is quoted; a fallback's would be the persona brain's template
                "reasoning": r.reasoning if r.brain == "llm" else fallback,
                "comment": (r.comment or None) if r.brain == "llm" else None,
                "instruction": None,
                "brain": r.brain,
            }
        )
    return out


def post_factors(
    calibration: WorldCalibration,
    pop: Population,
    lo: int,
    hi: int,
    item_ids: list[str],
    *,
    seed: int = 0,
    rerun: int = 0,
) -> dict[str, np.ndarray]:
    """name -> (users lo..hi, posts) multipliers of FACTORS ('view' as a multiplier of the odds).

    Rerun 0 applies the panel's verdict; every later rerun a bootstrap of it (its answers redrawn per
    archetype, the same in every shard), so the reruns' bands include the panel's sampling error.
    """
    centroids = np.asarray(calibration.centroids)
    archetype = nearest(population_features(pop)[lo:hi], centroids)
    out = {name: np.ones((hi - lo, len(item_ids)), dtype=np.float32) for name in FACTORS}
    drafts = sorted(calibration.by_item)
    per_draft: dict[str, dict[str, np.ndarray]] = {}  # a strategy posts one draft many times: draw once
    for k, item_id in enumerate(item_ids):
        key = base_item_id(item_id)
        if key not in per_draft:
            if key not in calibration.by_item:
                raise ValueError(f"the panel calibration has no verdict on post {item_id!r}")
            found = calibration.by_item[key]
            if rerun:
                found = found.resampled(
                    np.random.default_rng([seed, rerun, drafts.index(key), _PANEL_STREAM])
                )
            per_draft[key] = {
                name: np.array([found.factors.get(str(a), {}).get(name, 1.0) for a in range(len(centroids))])
                for name in FACTORS
            }
        for name in FACTORS:
            out[name][:, k] = per_draft[key][name][archetype]
    return out
