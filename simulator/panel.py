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

RATES = ("like", "comment", "share", "follow")  # acts, calibrated per view
_BEHAVIOUR = {"like": "like_rate", "comment": "comment_rate", "share": "share_rate", "follow": "follow_rate"}
FACTOR_RANGE = (0.25, 4.0)  # a panel may move a propensity (or the odds of viewing) by at most this much


def archetype_features(interests: np.ndarray, age: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """What archetypes are clustered on: interests (N, topics), age band codes (N,) and the like,
    share and comment propensities (N, 3), the rates standardised on a log scale and weighted down so
    that taste dominates."""
    age = np.asarray(age, dtype=np.float64) / (len(AGE_BANDS) - 1)
    logs = np.log10(np.asarray(rates, dtype=np.float64) + 1e-4)
    scaled = (logs - logs.mean(0)) / (logs.std(0) + 1e-9) * 0.2
    return np.column_stack([np.asarray(interests, dtype=np.float64), age, scaled])


def persona_features(personas: list[Persona]) -> np.ndarray:
    b = [p.behaviour for p in personas]
    return archetype_features(
        np.stack([topic_vector(p.interests) for p in personas]),
        np.array([AGE_BANDS.index(p.demographics.age_band) for p in personas]),
        np.array([[x.like_rate, x.share_rate, x.comment_rate] for x in b]),
    )


def nearest(features: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """The archetype (index of the nearest centroid) of every row."""
    d = (features**2).sum(1)[:, None] - 2.0 * features @ centroids.T + (centroids**2).sum(1)[None, :]
    return d.argmin(1)


@dataclass
class Calibration(JsonRecord):
    """Per archetype: multipliers of the persona propensities per view, of the watch-ratio habit, and
    of the odds of viewing at all ("view")."""

    factors: dict[str, dict[str, float]] = field(default_factory=dict)  # archetype -> rate -> factor
    panel_rates: dict[str, dict[str, float]] = field(default_factory=dict)  # what the LLM panel did
    persona_rates: dict[str, dict[str, float]] = field(default_factory=dict)  # what the persona brain expects
    decisions: dict[str, int] = field(default_factory=dict)  # LLM decisions behind each archetype's factors
    # archetype -> the LLM's decisions, one row each: viewed, like, comment, share, follow, watched share
    answers: dict[str, list[list[float]]] = field(default_factory=dict)
    prior_weight: float = 20.0

    def resampled(self, rng: np.random.Generator) -> "Calibration":
        """The factors again from each archetype's answers drawn with replacement: what another panel
        of the same size might have said (a bootstrap), so reruns carry the panel's sampling error."""
        out = replace(self, factors={}, panel_rates={})
        for a, rows in self.answers.items():
            drawn = np.asarray(rows)[rng.integers(0, len(rows), len(rows))]
            out.panel_rates[a] = _answer_rates(drawn)
            out.factors[a] = _factors(out.panel_rates[a], self.persona_rates[a], len(rows), self.prior_weight)
        return out


class Panel:
    """A panel drawn from an audience's archetypes; `features` has one row per user of `ids`."""

    def __init__(
        self, features: np.ndarray, ids, size: int, rng: np.random.Generator, *, archetypes: int = 0
    ):
        n = len(features)
        if not 1 <= size <= n:
            raise ValueError(f"panel size must be from 1 to the audience size ({n}), got {size}")
        k = archetypes or max(1, min(size // 25, 12))
        self.centroids, _ = kmeans(features, k, rng, iters=30)
        self.archetype_of = nearest(features, self.centroids)
        counts = np.bincount(self.archetype_of, minlength=len(self.centroids))
        # proportional allocation, at least one member per non-empty archetype
        quota = np.maximum(np.round(size * counts / counts.sum()).astype(int), (counts > 0).astype(int))
        rows: list[int] = []
        for a in range(len(self.centroids)):
            idx = np.flatnonzero(self.archetype_of == a)
            rows += rng.choice(idx, size=min(quota[a], len(idx)), replace=False).tolist()
        ids = np.asarray(ids)
        self.member_rows = np.array(sorted(rows), dtype=np.int64)
        self.members = {int(ids[i]) for i in rows}
        self.index = {int(u): i for i, u in enumerate(ids)}
        self.calibration = Calibration()

    @classmethod
    def of_personas(
        cls, personas: list[Persona], size: int, rng: np.random.Generator, *, archetypes: int = 0
    ) -> "Panel":
        return cls(persona_features(personas), [p.id for p in personas], size, rng, archetypes=archetypes)

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
        """Fit the factors from the panel's LLM reactions to `requests` (fallback decisions are left out).

        Each factor is the LLM's rate over the persona brain's expected rate for the same requests,
        shrunk towards 1 by a prior worth `prior_weight` decisions: viewing per impression (as odds),
        the acts and the watched share per view, so that a factor never counts twice.
        """
        by_user = {(r.user_id, r.item_id): r for r in llm_reactions if r.brain == "llm"}
        pairs = [
            (q, by_user[(q.persona.id, q.item.id)]) for q in requests if (q.persona.id, q.item.id) in by_user
        ]
        calibration = Calibration(prior_weight=prior_weight)
        groups: dict[str, list[int]] = {}
        for i, (q, _) in enumerate(pairs):
            groups.setdefault(self.archetype(q.persona.id), []).append(i)
        features = persona_brain.features([q for q, _ in pairs]) if pairs else None
        for a, rows in sorted(groups.items()):
            out = persona_brain.decide_arrays(features.take(np.tile(np.array(rows), draws)), rng)
            lengths = np.array([max(pairs[i][0].item.duration_s, 1.0) for i in rows])
            answers = np.array(
                [
                    [
                        r.click or r.watch_s > 0,
                        *(bool(getattr(r, name)) for name in RATES),
                        r.watch_s / length,
                    ]
                    for r, length in zip((pairs[i][1] for i in rows), lengths, strict=True)
                ],
                dtype=np.float64,
            )
            base = _rates(
                out.click, {name: getattr(out, name) for name in RATES}, out.watch_s / np.tile(lengths, draws)
            )
            base_views = base.pop("views")
            # a rate none of the draws showed is floored at half a draw, so a rare act can still be scaled
            floor = {"view": 0.5 / (len(rows) * draws), "watch": 1e-3}
            base = {k: max(v, floor.get(k, 0.5 / max(base_views, 1.0))) for k, v in base.items()}
            calibration.answers[a] = answers.round(4).tolist()
            calibration.panel_rates[a] = _answer_rates(answers)
            calibration.persona_rates[a] = base
            calibration.decisions[a] = len(rows)
            calibration.factors[a] = _factors(calibration.panel_rates[a], base, len(rows), prior_weight)
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
        scaled["view_bias"] = b.view_bias + float(np.log(factors["view"]))
        return replace(persona, behaviour=replace(b, **scaled))


def _answer_rates(answers: np.ndarray) -> dict[str, float]:
    """The rates of LLM answers given as rows of (viewed, like, comment, share, follow, watched share)."""
    acts = {name: answers[:, 1 + i] > 0 for i, name in enumerate(RATES)}
    return _rates(answers[:, 0] > 0, acts, answers[:, -1])


def _factors(llm: dict[str, float], base: dict[str, float], impressions: int, prior_weight: float) -> dict:
    """Each rate shrunk towards the persona brain's by a prior worth `prior_weight` decisions, over it:
    viewing per impression (as odds), the acts and the watched share per view."""
    shrunk = {}
    for name in ("view", *RATES, "watch"):
        n = impressions if name == "view" else llm["views"]
        shrunk[name] = (n * llm[name] + prior_weight * base[name]) / (n + prior_weight)
    factors = {name: shrunk[name] / base[name] for name in (*RATES, "watch")}
    view = min(shrunk["view"], 0.999)
    factors["view"] = view / (1 - view) / (base["view"] / (1 - base["view"]))
    return {k: float(np.clip(v, *FACTOR_RANGE)) for k, v in factors.items()}


def _rates(viewed: np.ndarray, acts: dict[str, np.ndarray], watched: np.ndarray) -> dict[str, float]:
    """Viewing per impression; each act and the watched share (capped at once through) per view."""
    viewed = np.asarray(viewed, bool)
    views = float(viewed.sum())
    per_view = {
        name: float(np.asarray(done, bool)[viewed].sum()) / max(views, 1.0) for name, done in acts.items()
    }
    watch = float(np.minimum(watched[viewed], 1.0).mean()) if views else 0.0
    return {"views": views, "view": float(viewed.mean()), **per_view, "watch": watch}


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
