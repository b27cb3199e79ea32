"""The scores the fidelity protocols report."""

import numpy as np


def classification(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of yes/no answers, pooled over every answer."""
    predicted, actual = np.asarray(predicted, bool), np.asarray(actual, bool)
    tp = int(np.sum(predicted & actual))
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(actual.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": round(float(np.mean(predicted == actual)), 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def auc(scores: np.ndarray, actual: np.ndarray) -> float:
    """Area under the ROC curve (ties count half), from ranks."""
    scores, actual = np.asarray(scores, float), np.asarray(actual, bool)
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]  # tied scores share their mean rank
    n_pos, n_neg = int(actual.sum()), int((~actual).sum())
    if not n_pos or not n_neg:
        return float("nan")
    return float((ranks[actual].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def recall_at(ranked: list, relevant: set, n: int) -> float:
    return len(set(ranked[:n]) & relevant) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: list, relevant: set, n: int) -> float:
    gains = [1.0 / np.log2(k + 2) for k, item in enumerate(ranked[:n]) if item in relevant]
    ideal = sum(1.0 / np.log2(k + 2) for k in range(min(len(relevant), n)))
    return float(sum(gains) / ideal) if ideal else 0.0


def nrmse(simulated: np.ndarray, real: np.ndarray) -> float:
    """Root mean squared error normalised by the range of the real values (OASIS's curve error)."""
    simulated, real = np.asarray(simulated, float), np.asarray(real, float)
    spread = float(real.max() - real.min()) if real.size else 0.0
    rmse = float(np.sqrt(np.mean((simulated - real) ** 2)))
    return rmse / spread if spread > 0 else rmse


def quartiles(values: np.ndarray) -> dict[str, float]:
    """Median and interquartile range."""
    q25, q50, q75 = np.percentile(np.asarray(values, float), [25, 50, 75])
    return {"median": round(float(q50), 6), "q25": round(float(q25), 6), "q75": round(float(q75), 6)}


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 0, ties given their average rank."""
    values = np.asarray(values, float)
    order = np.argsort(values, kind="mergesort")
    out = np.empty(len(values))
    out[order] = np.arange(len(values))
    unique, inverse = np.unique(values, return_inverse=True)
    if len(unique) < len(values):
        sums = np.bincount(inverse, weights=out)
        out = (sums / np.bincount(inverse))[inverse]
    return out


def spearman(predicted: np.ndarray, actual: np.ndarray) -> float | None:
    """Rank correlation; None where either side is constant (a constant prediction ranks nothing)."""
    a, b = ranks(predicted), ranks(actual)
    if np.std(a) == 0 or np.std(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def pairwise_accuracy(predicted: np.ndarray, actual: np.ndarray, groups: list) -> tuple[float, int]:
    """Share of pairs inside a group (posts of one channel) whose order the prediction gets right,
    over pairs that really differ; a tied prediction counts half. Returns (accuracy, pairs)."""
    predicted, actual = np.asarray(predicted, float), np.asarray(actual, float)
    by_group: dict = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    right = 0.0
    pairs = 0
    for idx in by_group.values():
        if len(idx) < 2:
            continue
        idx = np.array(idx)
        dp = np.sign(predicted[idx][:, None] - predicted[idx][None, :])
        da = np.sign(actual[idx][:, None] - actual[idx][None, :])
        upper = np.triu(np.ones_like(da, dtype=bool), 1) & (da != 0)
        pairs += int(upper.sum())
        right += float(np.sum((dp == da)[upper]) + 0.5 * np.sum((dp == 0)[upper]))
    return (right / pairs if pairs else float("nan")), pairs
