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
        scores = h @ self.topic_columns
        scores += POPULARITY_WEIGHT * self.popularity
        return scores

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
        blocks = m // TOP_BLOCK
        if blocks <= 4 * k:
            return _top_k(scores, np.broadcast_to(np.arange(m), (n, m)), k)[0]
        # The best k among the k blocks of columns with the highest maxima (each of those maxima
        # beats anything outside them) and the tail past the last whole block: the row's own top k,
        # unless its k-th score is tied (or -inf), where `top`'s full pass decides which tie is in.
        maxima = scores[:, : blocks * TOP_BLOCK].reshape(n, blocks, TOP_BLOCK).max(axis=2)
        chosen = np.argpartition(-maxima, k - 1, axis=1)[:, :k]
        inside = (chosen[:, :, None] * TOP_BLOCK + np.arange(TOP_BLOCK)).reshape(n, k * TOP_BLOCK)
        tail = np.broadcast_to(np.arange(blocks * TOP_BLOCK, m), (n, m - blocks * TOP_BLOCK))
        columns = np.concatenate([inside, tail], axis=1)
        picked = np.take_along_axis(scores, columns, axis=1)
        best, kth = _top_k(picked, columns, k)
        # A tie at the k-th score, among the candidates or in a block left out.
        at_least = maxima >= kth[:, None]
        ambiguous = ((picked >= kth[:, None]).sum(axis=1) > k) | (
            at_least.sum(axis=1) > np.take_along_axis(at_least, chosen, axis=1).sum(axis=1)
        )
        if ambiguous.any():
            rows = scores[ambiguous]
            best[ambiguous] = _top_k(rows, np.broadcast_to(np.arange(m), rows.shape), k)[0]
        return best


# Columns per block in top_rows' first pass (each block's maximum, then the best blocks only).
TOP_BLOCK = 32


def _top_k(values: np.ndarray, columns: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best of each row's `values` at catalogue `columns` (both (n, c >= k)), best first, ties
    by column, -1 for -inf; and each row's k-th best value."""
    if k < values.shape[1]:
        part = np.argpartition(-values, k - 1, axis=1)[:, :k]
        columns, values = np.take_along_axis(columns, part, axis=1), np.take_along_axis(values, part, axis=1)
    order = np.lexsort((columns, -values), axis=1)
    values = np.take_along_axis(values, order, axis=1)
    return np.where(np.isfinite(values), np.take_along_axis(columns, order, axis=1), -1), values[:, -1]
