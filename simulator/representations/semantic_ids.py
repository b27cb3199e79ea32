"""Semantic IDs: residual k-means over item content embeddings, in NumPy.

Level 1 clusters the embeddings; each further level clusters what the previous levels left
unexplained (the residuals). An item's code is its cluster index at every level, so items with
similar content share code prefixes, and a history written as codes is a few tokens per item.
"""

from dataclasses import dataclass

import numpy as np

from simulator.preferences import topic_vector
from simulator.types import Item


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iters: int) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's algorithm with k-means++ seeding; returns (centroids, assignment)."""
    n = len(x)
    k = min(k, n)
    centroids = np.empty((k, x.shape[1]), x.dtype)
    centroids[0] = x[rng.integers(n)]
    nearest = ((x - centroids[0]) ** 2).sum(1)
    for j in range(1, k):
        total = nearest.sum()
        pick = rng.choice(n, p=nearest / total) if total > 0 else rng.integers(n)
        centroids[j] = x[pick]
        nearest = np.minimum(nearest, ((x - centroids[j]) ** 2).sum(1))
    assign = np.zeros(n, np.int64)
    for _ in range(iters):
        distances = (x**2).sum(1)[:, None] - 2.0 * x @ centroids.T + (centroids**2).sum(1)[None, :]
        new = distances.argmin(1)
        if _ > 0 and np.array_equal(new, assign):
            break
        assign = new
        for j in range(k):
            members = x[assign == j]
            if len(members):
                centroids[j] = members.mean(0)
    return centroids, assign


@dataclass
class SemanticIdCodebook:
    """Codebooks of a residual k-means, one (k, d) array per level."""

    codebooks: list[np.ndarray]

    @classmethod
    def fit(
        cls, embeddings, rng: np.random.Generator, *, levels: int = 3, k: int = 16, iters: int = 25
    ) -> "SemanticIdCodebook":
        residual = np.asarray(embeddings, np.float64).copy()
        books = []
        for _ in range(levels):
            centroids, assign = kmeans(residual, k, rng, iters)
            books.append(centroids)
            residual -= centroids[assign]
        return cls(books)

    def encode(self, embeddings: np.ndarray) -> np.ndarray:
        """(N, levels) int codes."""
        residual = np.asarray(embeddings, np.float64).copy()
        codes = np.empty((len(residual), len(self.codebooks)), np.int64)
        for level, centroids in enumerate(self.codebooks):
            distances = (residual**2).sum(1)[:, None] - 2.0 * residual @ centroids.T + (centroids**2).sum(1)
            codes[:, level] = distances.argmin(1)
            residual -= centroids[codes[:, level]]
        return codes

    def reconstruction_error(self, embeddings: np.ndarray) -> float:
        """Mean squared distance between the embeddings and their quantised form."""
        x = np.asarray(embeddings, np.float64)
        codes = self.encode(x)
        approx = sum(book[codes[:, level]] for level, book in enumerate(self.codebooks))
        return float(((x - approx) ** 2).sum(1).mean())


def code_text(code: list[int] | np.ndarray) -> str:
    """A code as a short token string: levels lettered so prefixes read as prefixes, e.g. <a3><b12><c0>."""
    return "".join(f"<{chr(ord('a') + level)}{int(c)}>" for level, c in enumerate(code))


def history_text(entries: list[tuple[str, list[int]]]) -> str:
    """A history of (action, code) as one line per action: "liked <a3><b12><c0> <a3><b1><c7>"."""
    by_action: dict[str, list[str]] = {}
    for action, code in entries:
        by_action.setdefault(action, []).append(code_text(code))
    return "\n".join(f"{action}: {' '.join(codes)}" for action, codes in by_action.items())


def content_vectors(items: list[Item], embedder=None) -> np.ndarray:
    """Item content embeddings: MiniLM over caption, hashtags, topics and description when an embedder is
    given, otherwise the items' topic vectors (enough to separate content by subject)."""
    if embedder is None:
        return np.stack([topic_vector(item.topics) for item in items])
    texts = [
        " ".join([item.caption, " ".join(item.hashtags), " ".join(item.topics), item.description])
        for item in items
    ]
    return embedder.embed(texts)


def assign_semantic_ids(items: list[Item], rng: np.random.Generator, *, embedder=None, levels=3, k=16):
    """Fit a codebook on the items' content and write each item's code into `item.semantic_id`."""
    vectors = content_vectors(items, embedder)
    book = SemanticIdCodebook.fit(vectors, rng, levels=levels, k=k)
    for item, code in zip(items, book.encode(vectors), strict=True):
        item.semantic_id = [int(c) for c in code]
    return book
