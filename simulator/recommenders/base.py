"""The recommender interface and the history + popularity score both recommenders start from."""

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from simulator.catalogue import CatalogueIndex
from simulator.recommenders.plan import RerankPlan
from simulator.types import Item


@dataclass
class RankQuery:
    """What a platform knows when it builds a list: the user's history, not their hidden state."""

    user_id: int
    history: np.ndarray  # topic affinity over TOPICS from stated interests and engagement, sums to 1
    exclude: set[str] = field(default_factory=set)  # already shown
    now_h: float = 0.0
    preferred_s: float | None = None  # the user's usual watch length, as a platform would estimate it
    shown_topics: np.ndarray | None = None  # topic shares of the items shown so far this session
    engaged: tuple[str, ...] = ()  # items the user clicked this session, oldest first


class Recommender(Protocol):
    name: str
    follows_instructions: bool

    def plan(self, instruction: str | None, previous: RerankPlan | None) -> RerankPlan | None:
        """The plan for the next list: the previous one updated by the instruction (or None)."""
        ...

    def rank(self, query: RankQuery, k: int, plan: RerankPlan | None = None) -> list[str]:
        """The top-k item ids for the query (fewer when the catalogue runs out)."""
        ...


# Popularity weight against history: a decade of views is worth 0.1 of cosine affinity.
POPULARITY_WEIGHT = 0.1


class HistoryPopularityScorer:
    """Score = cosine(history, item topics) + popularity; the shared first stage."""

    def __init__(self, items: list[Item] | CatalogueIndex):
        self.index = items if isinstance(items, CatalogueIndex) else CatalogueIndex(list(items))
        norms = np.linalg.norm(self.index.topics, axis=1)
        self.unit_topics = np.divide(
            self.index.topics, norms[:, None], out=np.zeros_like(self.index.topics), where=norms[:, None] > 0
        )
        self.popularity = self.index.log_views - np.median(self.index.log_views)
        self.topic_columns = np.ascontiguousarray(self.unit_topics.T)  # (topics, items): for many rows

    def scores(self, query: RankQuery) -> np.ndarray:
        h = query.history / (np.linalg.norm(query.history) or 1.0)
        return self.unit_topics @ h + POPULARITY_WEIGHT * self.popularity

    def scores_rows(self, history: np.ndarray) -> np.ndarray:
        """`scores` for many users at once: history rows (n, TOPICS) -> (n, items)."""
        norms = np.linalg.norm(history, axis=1, keepdims=True)
        h = np.divide(history, norms, out=np.zeros_like(history, dtype=float), where=norms > 0)
        return h @ self.topic_columns + POPULARITY_WEIGHT * self.popularity

    def mask_excluded(self, scores: np.ndarray, exclude: set[str]) -> np.ndarray:
        if exclude:
            rows = [self.index.position[i] for i in exclude if i in self.index.position]
            scores[rows] = -np.inf
        return scores

    def top(self, scores: np.ndarray, k: int) -> list[str]:
        available = int(np.isfinite(scores).sum())
        k = min(k, available)
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]  # ties broken by catalogue order: deterministic
        return [self.index.ids[i] for i in best]

    def top_rows(self, scores: np.ndarray, k: int) -> np.ndarray:
        """`top` for many users: scores (n, items), -inf excluded -> catalogue indices (n, k), best
        first, ties by catalogue order, -1 where a row runs out of items."""
        n, m = scores.shape
        k = min(k, m)
        if k <= 0 or n == 0:
            return np.full((n, max(k, 0)), -1, int)
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (n, 1))
        picked = np.take_along_axis(scores, best, axis=1)
        order = np.lexsort((best, -picked), axis=1)
        best = np.take_along_axis(best, order, axis=1)
        return np.where(np.isfinite(np.take_along_axis(picked, order, axis=1)), best, -1)
