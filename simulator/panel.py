"""An LLM panel that calibrates the persona brain for a large audience (the archetype approach of
AgentTorch): a 100k audience costs a few hundred LLM prompts, not 100k.

1. The audience is clustered into archetypes (k-means over interests, age band and propensities) and
   a panel is drawn from every archetype in proportion to its size.
2. The panel's decisions are made by the LLM brain; the persona brain's expected rates for the same
   requests are measured by repeated draws. Per archetype, the ratio of the two (shrunk towards 1 by
   a prior worth `prior_weight` decisions) scales the persona propensities of that archetype.
3. A `PanelBrain` decides panel members with the LLM and everyone else with the calibrated persona
   brain; `assignment` says which user was simulated by which brain.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.brains.base import Brain, BrainUsage, ReactionRequest, ReflectionRequest
from simulator.brains.persona import PersonaBrain
from simulator.preferences import topic_vector
from simulator.representations.semantic_ids import kmeans
from simulator.serial import JsonRecord
from simulator.taxonomy import AGE_BANDS
from simulator.types import Persona, Reaction, Reflection

RATES = ("like", "comment", "share", "follow")
_BEHAVIOUR = {"like": "like_rate", "comment": "comment_rate", "share": "share_rate", "follow": "follow_rate"}
FACTOR_RANGE = (0.25, 4.0)  # a panel may move a propensity by at most this much


def _features(personas: list[Persona]) -> np.ndarray:
    interests = np.stack([topic_vector(p.interests) for p in personas])
    age = np.array([AGE_BANDS.index(p.demographics.age_band) / (len(AGE_BANDS) - 1) for p in personas])
    b = [p.behaviour for p in personas]
    rates = np.log10(np.array([[x.like_rate, x.share_rate, x.comment_rate] for x in b]) + 1e-4)
    return np.column_stack([interests, age, (rates - rates.mean(0)) / (rates.std(0) + 1e-9) * 0.2])


@dataclass
class Calibration(JsonRecord):
    """Per archetype: multipliers of the persona propensities and of the watch-ratio habit."""

    factors: dict[str, dict[str, float]] = field(default_factory=dict)  # archetype -> rate -> factor
    panel_rates: dict[str, dict[str, float]] = field(default_factory=dict)  # what the LLM panel did
    persona_rates: dict[str, dict[str, float]] = field(default_factory=dict)  # what the persona brain expects


class Panel:
    def __init__(self, personas: list[Persona], size: int, rng: np.random.Generator, *, archetypes: int = 0):
        if not 1 <= size <= len(personas):
            raise ValueError(f"panel size must be from 1 to the audience size ({len(personas)}), got {size}")
        self.personas = personas
        k = archetypes or max(1, min(size // 25, 12))
        _, self.archetype_of = kmeans(_features(personas), k, rng, iters=30)
        counts = np.bincount(self.archetype_of, minlength=k)
        # proportional allocation, at least one member per non-empty archetype
        quota = np.maximum(np.round(size * counts / counts.sum()).astype(int), (counts > 0).astype(int))
        members: list[int] = []
        for a in range(k):
            idx = np.flatnonzero(self.archetype_of == a)
            members += rng.choice(idx, size=min(quota[a], len(idx)), replace=False).tolist()
        self.members = {personas[i].id for i in members}
        self.index = {p.id: i for i, p in enumerate(personas)}
        self.calibration = Calibration()

    def archetype(self, user_id: int) -> str:
        return str(int(self.archetype_of[self.index[user_id]]))

    def panel_requests(self, requests: list[ReactionRequest]) -> list[ReactionRequest]:
        return [r for r in requests if r.persona.id in self.members]

    def calibrate(
        self,
        llm_reactions: list[Reaction],
        requests: list[ReactionRequest],
        persona_brain: PersonaBrain,
        rng: np.random.Generator,
        *,
        draws: int = 64,
        prior_weight: float = 20.0,
    ) -> Calibration:
        """Fit the factors from the panel's LLM reactions to `requests` (fallback decisions are left out)."""
        by_user = {(r.user_id, r.item_id): r for r in llm_reactions if r.brain == "llm"}
        pairs = [
            (q, by_user[(q.persona.id, q.item.id)]) for q in requests if (q.persona.id, q.item.id) in by_user
        ]
        calibration = Calibration()
        groups: dict[str, list[int]] = {}
        for i, (q, _) in enumerate(pairs):
            groups.setdefault(self.archetype(q.persona.id), []).append(i)
        features = persona_brain.features([q for q, _ in pairs]) if pairs else None
        for a, rows in sorted(groups.items()):
            taken = features.take(np.tile(np.array(rows), draws))
            expected = persona_brain.decide_arrays(taken, rng)
            reactions = [pairs[i][1] for i in rows]
            lengths = np.array([max(pairs[i][0].item.duration_s, 1.0) for i in rows])
            llm = {name: float(np.mean([bool(getattr(r, name)) for r in reactions])) for name in RATES}
            llm["watch"] = float(np.mean(np.minimum([r.watch_s for r in reactions] / lengths, 1.0)))
            # a rate none of the draws showed is floored at half a draw, so a rare act can still be scaled
            floor = 0.5 / (len(rows) * draws)
            base = {name: max(float(np.mean(getattr(expected, name))), floor) for name in RATES}
            base["watch"] = max(
                float(np.mean(np.minimum(expected.watch_s / np.tile(lengths, draws), 1.0))), 1e-3
            )
            n = len(rows)
            calibration.panel_rates[a] = llm
            calibration.persona_rates[a] = base
            calibration.factors[a] = {
                name: float(
                    np.clip(
                        (n * llm[name] + prior_weight * base[name]) / ((n + prior_weight) * base[name]),
                        *FACTOR_RANGE,
                    )
                )
                for name in (*RATES, "watch")
            }
        self.calibration = calibration
        return calibration

    def calibrated(self, persona: Persona) -> Persona:
        """The persona with its archetype's factors applied to its propensities."""
        factors = self.calibration.factors.get(self.archetype(persona.id))
        if not factors:
            return persona
        b = persona.behaviour
        scaled = {attr: min(getattr(b, attr) * factors[name], 0.95) for name, attr in _BEHAVIOUR.items()}
        scaled["watch_ratio"] = min(b.watch_ratio * factors["watch"], 1.0)
        return replace(persona, behaviour=replace(b, **scaled))


class PanelBrain:
    """Panel members decided by the LLM brain, everyone else by the calibrated persona brain."""

    name = "panel"

    def __init__(self, panel: Panel, llm: Brain, persona: PersonaBrain):
        self.panel = panel
        self.llm = llm
        self.persona = persona
        self.usage = BrainUsage()
        self.assignment: dict[int, str] = {}

    def _split(self, requests):
        member = [r.persona.id in self.panel.members for r in requests]
        for r, m in zip(requests, member, strict=True):
            self.assignment[r.persona.id] = "llm" if m else "persona"
        return [i for i, m in enumerate(member) if m], [i for i, m in enumerate(member) if not m]

    def react(self, requests: list[ReactionRequest], rng: np.random.Generator) -> list[Reaction]:
        on_llm, on_persona = self._split(requests)
        out: list[Reaction | None] = [None] * len(requests)
        for i, r in zip(on_llm, self.llm.react([requests[i] for i in on_llm], rng), strict=True):
            out[i] = r
        rest = [replace(requests[i], persona=self.panel.calibrated(requests[i].persona)) for i in on_persona]
        for i, r in zip(on_persona, self.persona.react(rest, rng), strict=True):
            out[i] = r
        self.usage.decisions += len(requests)
        return out  # type: ignore[return-value]

    def reflect(self, requests: list[ReflectionRequest], rng: np.random.Generator) -> list[Reflection]:
        on_llm, on_persona = self._split(requests)
        out: list[Reflection | None] = [None] * len(requests)
        for i, r in zip(on_llm, self.llm.reflect([requests[i] for i in on_llm], rng), strict=True):
            out[i] = r
        for i, r in zip(
            on_persona, self.persona.reflect([requests[i] for i in on_persona], rng), strict=True
        ):
            out[i] = r
        return out  # type: ignore[return-value]

    def report(self) -> dict:
        """Which users were simulated by which brain, and the calibration used for the rest."""
        return {
            "users_by_brain": dict(Counter(self.assignment.values())),
            "panel_size": len(self.panel.members),
            "archetypes": len(set(self.panel.archetype_of.tolist())),
            "calibration": self.panel.calibration.to_dict(),
        }
