"""Baseline and learned ranking policies for the leaderboard, behind the Recommender interface.

- `random`: k unshown items uniformly, from a stream seeded by (seed, user, list number), so every
  policy run meets the same luck (common random numbers).
- `popularity`: most viewed first, for everyone.
- `ease`: EASE (Steck, WWW 2019) item-item weights fitted on logged sessions (who clicked what), scored
  from the items the user clicked this session; before the first click, popularity.
- `linucb`: a linear contextual bandit (Li et al., "A contextual-bandit approach to personalized news
  article recommendation", WWW 2010): ridge regression of an item's reward on its features for
  this user, ranked by the upper confidence bound while learning and by the estimate when served.
"""

from dataclasses import dataclass, field

import numpy as np

from simulator.catalogue import CatalogueIndex
from simulator.fitting.corating import CoRatingTaste
from simulator.recommenders.base import HistoryPopularityScorer, RankQuery
from simulator.recommenders.plan import RerankPlan


class _Uninstructed:
    follows_instructions = False

    def plan(self, instruction: str | None, previous: RerankPlan | None) -> RerankPlan | None:
        return None


class RandomPolicy(_Uninstructed):
    name = "random"

    def __init__(self, items: CatalogueIndex, seed: int = 0):
        self.scorer = HistoryPopularityScorer(items)
        self.seed = seed

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        rng = np.random.default_rng([self.seed, query.user_id, len(query.exclude)])
        scores = self.scorer.mask_excluded(rng.random(len(self.scorer.index)), query.exclude)
        return self.scorer.top(scores, k)


class PopularityPolicy(_Uninstructed):
    name = "popularity"

    def __init__(self, items: CatalogueIndex):
        self.scorer = HistoryPopularityScorer(items)

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        scores = self.scorer.mask_excluded(self.scorer.popularity.copy(), query.exclude)
        return self.scorer.top(scores, k)


class EasePolicy(_Uninstructed):
    name = "ease"
    # EASE's ridge penalty lambda: a prior, not tuned here. Steck (2019) tunes it per data set on
    # held-out users; Cornac's EASE defaults to 500 for logs of 10^5 users. This log is 1,000 sessions
    # of a few clicks each, so a tenth of that keeps co-clicks from being shrunk to nothing.
    L2 = 50.0

    def __init__(self, items: CatalogueIndex, sessions: list[list[str]]):
        """`sessions`: the items clicked in each logged session (the training log)."""
        self.scorer = HistoryPopularityScorer(items)
        index = self.scorer.index
        histories = [
            np.array([index.position[i] + 1 for i in s if i in index.position], int) for s in sessions
        ]
        self.taste = CoRatingTaste.fit([h for h in histories if len(h)], len(index), self.L2)

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        index = self.scorer.index
        clicked = [index.position[i] + 1 for i in query.engaged if i in index.position]
        base = self.scorer.popularity / (np.ptp(self.scorer.popularity) or 1.0)
        scores = base * 1e-3 + (self.taste.scores([np.array(clicked, int)])[0, 1:] if clicked else base)
        return self.scorer.top(self.scorer.mask_excluded(scores, query.exclude), k)


@dataclass
class LinUCBPolicy(_Uninstructed):
    """Ridge regression of the per-item reward on `features`; `alpha` the exploration bonus."""

    items: CatalogueIndex
    alpha: float = 0.5
    ridge: float = 1.0
    explore: bool = True  # False once trained: rank by the estimate
    name: str = "linucb"
    a: np.ndarray = field(init=False)
    b: np.ndarray = field(init=False)

    FEATURES = ("bias", "topic match", "popularity", "length mismatch", "shown-topic overlap", "age (weeks)")

    def __post_init__(self):
        self.scorer = HistoryPopularityScorer(self.items)
        d = len(self.FEATURES)
        self.a = self.ridge * np.eye(d)
        self.b = np.zeros(d)

    def features(self, query: RankQuery) -> np.ndarray:
        """(n_items, d): what the platform knows of this user and each item."""
        index = self.scorer.index
        h = query.history / (np.linalg.norm(query.history) or 1.0)
        preferred = query.preferred_s or 60.0
        shown = self.scorer.unit_topics @ query.shown_topics if query.shown_topics is not None else 0.0
        return np.column_stack(
            [
                np.ones(len(index)),
                self.scorer.unit_topics @ h,
                self.scorer.popularity,
                np.abs(np.log(np.maximum(index.duration_s, 1.0) / preferred)),
                np.broadcast_to(shown, (len(index),)),
                np.maximum(query.now_h - index.posted_at_h, 0.0) / 168.0,
            ]
        )

    @property
    def theta(self) -> np.ndarray:
        return np.linalg.solve(self.a, self.b)

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        x = self.features(query)
        scores = x @ self.theta
        if self.explore:
            inverse = np.linalg.inv(self.a)
            scores = scores + self.alpha * np.sqrt(np.einsum("ij,jk,ik->i", x, inverse, x))
        return self.scorer.top(self.scorer.mask_excluded(scores, query.exclude), k)

    def learn(self, query: RankQuery, item_ids: list[str], rewards: list[float]) -> None:
        """Update on the items the user reached (those after a leave gave no feedback)."""
        if not item_ids:
            return
        x = self.features(query)[[self.scorer.index.position[i] for i in item_ids]]
        self.a += x.T @ x
        self.b += x.T @ np.asarray(rewards, float)

    def to_dict(self) -> dict:
        return {"features": list(self.FEATURES), "theta": self.theta.round(4).tolist()}
