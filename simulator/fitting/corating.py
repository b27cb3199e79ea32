"""Taste from co-ratings: how well a film suits a user, from the films they have already rated.

EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a closed-form item-item
weight matrix fitted on the fit users' rating histories (who rated what, not the stars). A user's score
for a film is the sum of the weights from the films in their history; the interest match is that
score's percentile among the films the user has not rated: 0.9 means the film beats 90% of the rest.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class CoRatingTaste:
    weights: np.ndarray  # (n_items + 1, n_items + 1), row/column 0 unused (ids start at 1)
    l2: float

    @classmethod
    def fit(cls, histories: list[np.ndarray], n_items: int, l2: float) -> "CoRatingTaste":
        """`histories`: per fit user, the item ids they rated (held-out items already removed)."""
        x = np.zeros((len(histories), n_items + 1))
        for row, items in enumerate(histories):
            x[row, items] = 1.0
        gram = x.T @ x + l2 * np.eye(n_items + 1)
        inverse = np.linalg.inv(gram)
        weights = -inverse / np.diag(inverse)
        np.fill_diagonal(weights, 0.0)
        weights[0, :] = weights[:, 0] = 0.0
        return cls(weights=weights, l2=l2)

    def scores(self, histories: list[np.ndarray]) -> np.ndarray:
        """(n_users, n_items + 1): every film's score for every user."""
        x = np.zeros((len(histories), self.weights.shape[0]))
        for row, items in enumerate(histories):
            x[row, items] = 1.0
        return x @ self.weights

    def match(self, histories: list[np.ndarray], candidates: list[np.ndarray]) -> list[np.ndarray]:
        """Per user, the percentile of each candidate's score among the films the user has not rated."""
        scores = self.scores(histories)
        out = []
        unrated = np.ones(self.weights.shape[0], bool)
        unrated[0] = False
        for row, (items, cands) in enumerate(zip(histories, candidates, strict=True)):
            mask = unrated.copy()
            mask[items] = False
            reference = np.sort(scores[row, mask])
            out.append(np.searchsorted(reference, scores[row, cands], side="right") / len(reference))
        return out
