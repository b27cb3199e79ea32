"""Topic weights over simulator.taxonomy inferred from a post's words.

A softmax regression on MiniLM embeddings predicts the YouTube category (fitted on the trending titles
and tags, simulator/fitting/content.py); each category's probability then goes to the one of its
taxonomy topics (simulator.taxonomy.YOUTUBE_CATEGORY_TOPICS) whose keywords (simulator.catalogue) the
words are closest to, since no label here tells food from beauty inside "Howto & Style".
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from simulator.taxonomy import TOPIC_INDEX, TOPICS, YOUTUBE_CATEGORY_TOPICS


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def with_bias(embeddings: np.ndarray) -> np.ndarray:
    return np.hstack([np.asarray(embeddings, np.float64), np.ones((len(embeddings), 1))])


def fit_softmax(
    x: np.ndarray, labels: np.ndarray, classes: int, l2: float, iterations: int = 400
) -> np.ndarray:
    """Weights (features, classes) of an L2-penalised softmax regression, by Nesterov's accelerated
    gradient with the step from the loss's curvature bound (no step size to tune)."""
    n = len(x)
    y = np.zeros((n, classes))
    y[np.arange(n), labels] = 1.0
    lipschitz = 0.5 * np.linalg.eigvalsh(x.T @ x / n).max() + l2
    step = 1.0 / lipschitz
    w = np.zeros((x.shape[1], classes))
    previous = w
    for k in range(1, iterations + 1):
        look = w + (k - 1) / (k + 2) * (w - previous)
        gradient = x.T @ (softmax(x @ look) - y) / n + l2 * look
        previous, w = w, look - step * gradient
    return w


@cache
def topic_prototypes() -> np.ndarray:
    """(topics, 384): each topic's name and keywords, embedded."""
    from simulator.catalogue import TOPIC_KEYWORDS
    from simulator.content.text import embed

    return embed([f"{t}: " + ", ".join(TOPIC_KEYWORDS[t]) for t in TOPICS])


@dataclass(frozen=True)
class TopicModel:
    categories: tuple[int, ...]  # YouTube category ids, the classes in weight order
    weights: np.ndarray  # (385, len(categories)): embedding and bias

    @classmethod
    def from_dict(cls, data: dict) -> "TopicModel":
        return cls(tuple(data["categories"]), np.array(data["weights"], dtype=np.float64))

    def category_probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        return softmax(with_bias(embeddings) @ self.weights)

    def topic_weights(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, len(TOPICS)) weights summing to 1 per row."""
        return self.route(self.category_probabilities(embeddings), embeddings)

    def known_topic_weights(self, embeddings: np.ndarray, category_ids: np.ndarray) -> np.ndarray:
        """The same routing for posts whose category is known (the fitted videos): all weight on the
        category's topic closest to the words."""
        probs = (np.asarray(category_ids)[:, None] == np.array(self.categories)[None, :]).astype(float)
        return self.route(probs, embeddings)

    def route(self, probs: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Each category's probability to the one of its topics whose keywords the words are closest to."""
        closeness = np.asarray(embeddings, np.float64) @ topic_prototypes().T.astype(np.float64)
        out = np.zeros((len(probs), len(TOPICS)))
        rows = np.arange(len(probs))
        for c, category in enumerate(self.categories):
            options = np.array([TOPIC_INDEX[t] for t in YOUTUBE_CATEGORY_TOPICS[category]])
            best = options[np.argmax(closeness[:, options], axis=1)]
            out[rows, best] += probs[:, c]
        return out


def as_topics(weights: np.ndarray) -> dict[str, float]:
    """One row of topic weights as an Item's topics: those above the uniform share, renormalised."""
    keep = {TOPICS[i]: float(w) for i, w in enumerate(weights) if w > 1.0 / len(TOPICS)}
    if not keep:
        keep = {TOPICS[int(np.argmax(weights))]: 1.0}
    total = sum(keep.values())
    return {t: round(w / total, 4) for t, w in sorted(keep.items(), key=lambda kv: -kv[1])}


def merged_topics(ticked: dict[str, float] | None, inferred: dict[str, float]) -> dict[str, float]:
    """The creator's ticked topics win where given; a draft with none takes the inferred ones."""
    return dict(ticked) if ticked else dict(inferred)
