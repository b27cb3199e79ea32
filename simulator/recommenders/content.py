"""What the instruction follower reads beyond topics: item content as vectors and semantic IDs.

`ContentIndex` holds one unit row per item (sentence embeddings of the item's text when an embedder
is given, its topic vector otherwise) and each item's semantic ID (residual k-means over those rows,
simulator.representations.semantic_ids). An instruction becomes a query over the rows; a vague one
("something different") becomes a push away from the rows and code prefixes the session has shown.
Embeddings are computed once per catalogue and cached under var/ (simulator.representations.cache).
"""

from collections.abc import Callable, Sequence

import numpy as np

from simulator.preferences import topic_vector
from simulator.representations.cache import cached_embeddings
from simulator.representations.semantic_ids import SemanticIdCodebook
from simulator.types import Item

Embed = Callable[[list[str]], np.ndarray]


def item_text(item: Item) -> str:
    """What an item says about itself: caption, hashtags, topics and description."""
    return " ".join([item.caption, " ".join(item.hashtags), " ".join(item.topics), item.description])


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows, dtype=float), where=norms > 0)


class ContentIndex:
    """Content rows and semantic-ID codes of a list of items, in the list's order."""

    def __init__(self, vectors: np.ndarray, *, embed: Embed | None = None, seed: int = 0, levels: int = 2):
        self.vectors = _unit(np.asarray(vectors, float))
        self.embed = embed  # texts -> unit rows in the same space, for instruction queries
        k = max(2, min(16, int(np.sqrt(len(self.vectors)))))
        book = SemanticIdCodebook.fit(self.vectors, np.random.default_rng(seed), levels=levels, k=k)
        self.codes = book.encode(self.vectors)

    @classmethod
    def from_items(
        cls, items: Sequence[Item], *, embedder=None, cache_name: str | None = None
    ) -> "ContentIndex":
        """Sentence embeddings of the items' text with `embedder` (cached as `cache_name`), else topics."""
        if embedder is None:
            return cls(np.stack([topic_vector(it.topics) for it in items]))
        texts = [item_text(it) for it in items]
        vectors = cached_embeddings(cache_name, texts, embedder) if cache_name else embedder.embed(texts)
        return cls(vectors, embed=embedder.embed)

    def take(self, rows: np.ndarray) -> "ContentIndex":
        """The index of a subset of the items (codes from the whole catalogue's codebook)."""
        part = object.__new__(ContentIndex)
        part.vectors, part.codes, part.embed = self.vectors[rows], self.codes[rows], self.embed
        return part

    def query(self, text: str) -> np.ndarray | None:
        """Cosine of every item with the text, or None when there is no embedder to read words."""
        if self.embed is None or not text.strip():
            return None
        return self.vectors @ _unit(np.asarray(self.embed([text]), float))[0]

    def nearness_to(self, rows: np.ndarray) -> np.ndarray:
        """How close every item is to the given items: cosine with their centroid, plus one half for
        sharing the first semantic-ID level with any of them (the same region of the catalogue)."""
        if not len(rows):
            return np.zeros(len(self.vectors))
        centroid = _unit(self.vectors[rows].mean(axis=0))
        same_region = np.isin(self.codes[:, 0], self.codes[rows, 0])
        return self.vectors @ centroid + 0.5 * same_region
