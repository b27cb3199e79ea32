"""Evolving preferences (paper eq. 4-5): a latent interest state and a per-item mindset.

Everything here works on arrays of many users at once, so the world updates a whole population per
step; the session loop calls the same functions with N = 1. Topic vectors are rows over
`taxonomy.TOPICS`; interest rows sum to 1.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from itertools import chain, repeat

import numpy as np

from simulator.taxonomy import TOPIC_INDEX, TOPICS
from simulator.types import Mindset

N_TOPICS = len(TOPICS)


def topic_vector(weights: dict[str, float]) -> np.ndarray:
    """A topic -> weight dict as a row over TOPICS (unknown topics are dropped), summing to 1."""
    return topic_rows([weights])[0]


def topic_rows(dicts: Sequence[dict[str, float]]) -> np.ndarray:
    """Topic -> weight dicts as rows (N, T) over TOPICS (unknown topics dropped), each summing to 1:
    one scatter for the batch, as the brains build these per decision."""
    rows = np.repeat(np.arange(len(dicts)), [len(d) for d in dicts])
    cols = np.fromiter(chain.from_iterable(map(TOPIC_INDEX.get, d, repeat(N_TOPICS)) for d in dicts), int)
    grid = np.zeros((len(dicts), N_TOPICS + 1))  # the last column takes unknown topics, then is cut
    grid[rows, cols] = list(chain.from_iterable(d.values() for d in dicts))
    v = grid[:, :N_TOPICS].copy()
    total = v.sum(axis=1, keepdims=True)
    return np.divide(v, total, out=v, where=total > 0)


def topic_dict(vector: np.ndarray, *, min_weight: float = 1e-3) -> dict[str, float]:
    """A row over TOPICS back to a dict, dropping negligible weights."""
    return {TOPICS[i]: round(w, 4) for i, w in enumerate(vector.tolist()) if w >= min_weight}


def cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two (N, T) non-negative arrays, in [0, 1]; 0 where a row is all zero."""
    dot = np.einsum("ij,ij->i", a, b)
    norm = np.sqrt(np.einsum("ij,ij->i", a, a) * np.einsum("ij,ij->i", b, b))
    return np.divide(dot, norm, out=np.zeros_like(dot), where=norm > 0)


def interest_match(interests: np.ndarray, item_topics: np.ndarray) -> np.ndarray:
    """How well each item's topics fit each user's current interests: cosine, in [0, 1]."""
    return cosine_rows(interests, item_topics)


def novelty(familiar: np.ndarray, item_topics: np.ndarray) -> np.ndarray:
    """1 - familiarity: how far the item's topics lie from what the user has been seeing."""
    return 1.0 - cosine_rows(familiar, item_topics)


def satiation(session_exposure: np.ndarray, item_topics: np.ndarray, scale: float) -> np.ndarray:
    """Saturating dose of the item's topics already shown this session, in [0, 1).

    `session_exposure` holds decayed topic counts of the session's items; `scale` is the number of
    same-topic items at which satiation reaches 1 - 1/e.
    """
    dose = np.einsum("ij,ij->i", session_exposure, item_topics)
    return 1.0 - np.exp(-dose / scale)


@dataclass
class MindsetArrays:
    """The mindset of N users (each field shape (N,), values in [0, 1])."""

    satisfaction: np.ndarray
    fatigue: np.ndarray
    boredom: np.ndarray
    curiosity: np.ndarray

    @classmethod
    def fresh(cls, novelty_seeking: np.ndarray) -> "MindsetArrays":
        """The state at a session's start: rested, not bored, curious as the user habitually is."""
        n = len(novelty_seeking)
        return cls(np.full(n, 0.5), np.zeros(n), np.zeros(n), np.asarray(novelty_seeking, float).copy())

    @classmethod
    def from_mindsets(cls, mindsets: list[Mindset]) -> "MindsetArrays":
        return cls(*(np.array([getattr(m, f.name) for m in mindsets], float) for f in fields(cls)))

    def take(self, index: np.ndarray) -> "MindsetArrays":
        return MindsetArrays(*(getattr(self, f.name)[index] for f in fields(self)))

    def put(self, index: np.ndarray, other: "MindsetArrays") -> None:
        """Overwrite the rows at `index` with `other`'s."""
        for f in fields(self):
            getattr(self, f.name)[index] = getattr(other, f.name)

    def mindset(self, i: int, note: str = "") -> Mindset:
        return self.take(np.array([i])).mindsets([note])[0]

    def mindsets(self, notes: list[str]) -> list[Mindset]:
        """Each user's mindset as a record (values to 4 places), with its note."""
        rows = zip(*(getattr(self, f.name).tolist() for f in fields(self)), strict=True)
        return [
            Mindset(*(round(x, 4) for x in row), note=note) for row, note in zip(rows, notes, strict=True)
        ]


@dataclass(frozen=True)
class UpdateRates:
    """Step sizes of eq. 4-5, read from the persona parameters (see persona_params.json)."""

    interest_rate: float  # eta in eq. 4: how far one engaged item pulls the interest state
    interest_skip_push: float  # how far a skip pushes away, relative to an engagement
    interest_anchor: float  # pull back to the persona's stated interests per item
    satisfaction_rate: float
    boredom_skip: float
    boredom_satiation: float
    boredom_relief: float
    curiosity_rate: float


def update_interests(
    interests: np.ndarray,
    base_interests: np.ndarray,
    item_topics: np.ndarray,
    engagement: np.ndarray,
    rates: UpdateRates,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Eq. 4: move the latent interest state toward items engaged with and away from skipped ones.

    `engagement` in [-1, 1] per user: positive for watched / liked, negative for skips. A small
    anchor to the stated interests keeps the state from collapsing onto one topic. `out` (not one of
    the inputs), shaped like `interests`, takes the result: a hot loop's scratch rows, not a fresh array.
    """
    step = np.where(engagement >= 0, engagement, engagement * rates.interest_skip_push) * rates.interest_rate
    # interests + step * topics * (1 - interests), then the anchor; in place, as the envs step 1,024 rows
    moved = step[:, None] * item_topics
    spare = np.subtract(1.0, interests, out=out)
    moved *= spare
    moved += interests
    pull = np.subtract(base_interests, moved, out=spare)
    pull *= rates.interest_anchor
    moved += pull
    np.maximum(moved, 0.0, out=moved)
    total = moved.sum(axis=1, keepdims=True)
    # `spare` has done its part: it takes the result (the stated interests where nothing is left).
    np.copyto(spare, base_interests)
    return np.divide(moved, total, out=spare, where=total > 0)


def update_mindset(
    state: MindsetArrays,
    *,
    engagement: np.ndarray,
    satiation: np.ndarray,
    novelty: np.ndarray,
    session_seconds: np.ndarray,
    session_minutes: np.ndarray,
    novelty_seeking: np.ndarray,
    rates: UpdateRates,
) -> MindsetArrays:
    """Eq. 5: the mindset after one item (think -> act -> update, the last step).

    Fatigue grows with time spent against the user's habitual session length; boredom with skips
    and satiation, relieved by engaging with something new; satisfaction tracks engagement;
    curiosity rises with boredom around the user's own novelty seeking.
    """
    engaged = np.clip(engagement, 0.0, 1.0)
    skipped = engagement < 0
    fatigue = 1.0 - np.exp(-session_seconds / np.maximum(session_minutes * 60.0, 1.0))
    boredom = (
        state.boredom
        + rates.boredom_skip * skipped * (1.0 - state.boredom)
        + rates.boredom_satiation * satiation * (1.0 - state.boredom)
        - rates.boredom_relief * engaged * (0.3 + 0.7 * novelty) * state.boredom
    )
    satisfaction = state.satisfaction + rates.satisfaction_rate * (engaged - state.satisfaction)
    target = np.clip(novelty_seeking + 0.5 * boredom, 0.0, 1.0)
    curiosity = state.curiosity + rates.curiosity_rate * (target - state.curiosity)
    return MindsetArrays(
        satisfaction=np.clip(satisfaction, 0.0, 1.0),
        fatigue=np.clip(fatigue, 0.0, 1.0),
        boredom=np.clip(boredom, 0.0, 1.0),
        curiosity=np.clip(curiosity, 0.0, 1.0),
    )


def engagement_signal(
    watch_s: np.ndarray, length_s: np.ndarray, like: np.ndarray, share: np.ndarray, skipped: np.ndarray
) -> np.ndarray:
    """One number per decision for the updates: -1 for a skip, else completion (capped) plus extras."""
    completion = np.minimum(watch_s / np.maximum(length_s, 1.0), 1.0)
    positive = np.minimum(0.6 * completion + 0.3 * like + 0.1 * share + 0.1, 1.0)
    return np.where(skipped, -1.0, positive)
