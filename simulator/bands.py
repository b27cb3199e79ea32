"""Bands and intervals over reruns.

The band of simulated outcomes is the middle of the reruns: the order statistics x_(k) and
x_(R+1-k) with k = floor(0.05 (R + 1)), at least 1. A new rerun lands inside that band with chance
(R + 1 - 2k) / (R + 1) whatever the distribution (exchangeable reruns), which is 90% from
BAND_RERUNS = 19 reruns on; with fewer the band is the reruns' range and holds less, which
`band_coverage` says. The band does not narrow with more reruns; the mean's own 90% interval
(Student t) does, and is kept apart as mean_lo / mean_hi.
"""

import numpy as np

# one-sided 95% quantiles of Student's t (so a two-sided 90% interval), by degrees of freedom
_T95 = {1: 6.314, 2: 2.920, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.860, 9: 1.833, 10: 1.812,
        12: 1.782, 15: 1.753, 20: 1.725, 25: 1.708, 30: 1.697, 40: 1.684, 60: 1.671, 120: 1.658}  # fmt: skip
_Z95 = 1.645
BAND = 0.90  # the share of simulated outcomes the band is meant to hold
BAND_RERUNS = 19  # the fewest reruns whose band holds BAND of new reruns: (R - 1) / (R + 1) >= 0.9


def t95(df: int) -> float:
    """The t quantile for df degrees of freedom (the next tabled df down, so never too narrow)."""
    if df <= 0:
        return float("inf")
    usable = [d for d in _T95 if d <= df]
    return _T95[max(usable)] if df < 1000 else _Z95


def interval(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """mean, lo, hi, sd over reruns (axis 0): the 90% interval of the *mean*, not of the outcomes.

    With one rerun the interval is the value itself; where every value is non-negative it is cut at 0.
    """
    values = np.asarray(values, dtype=np.float64)
    runs = values.shape[axis]
    mean = values.mean(axis=axis)
    if runs < 2:
        zero = np.zeros_like(mean)
        return mean, mean, mean, zero
    sd = values.std(axis=axis, ddof=1)
    half = t95(runs - 1) * sd / np.sqrt(runs)
    lo = mean - half
    if np.all(values >= 0):  # counts and rates cannot go below zero
        lo = np.maximum(lo, 0.0)
    return mean, lo, mean + half, sd


def _band_rank(runs: int) -> int:
    return max(1, int(np.floor((1.0 - BAND) / 2.0 * (runs + 1) + 1e-9)))


def band_coverage(runs: int) -> float:
    """The chance that one more rerun lands inside the band of `runs` reruns (0 for a single rerun)."""
    k = _band_rank(runs)
    return max(0.0, (runs + 1 - 2 * k) / (runs + 1))


def band(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """lo, hi of the band of simulated outcomes over reruns (axis 0): see the module doc."""
    ordered = np.sort(np.asarray(values, dtype=np.float64), axis=axis)
    runs = ordered.shape[axis]
    k = _band_rank(runs)
    return np.take(ordered, k - 1, axis=axis), np.take(ordered, runs - k, axis=axis)


def spread(values: np.ndarray) -> dict[str, np.ndarray]:
    """mean, the band (lo, hi), sd and the mean's 90% interval (mean_lo, mean_hi) over axis 0."""
    mean, mean_lo, mean_hi, sd = interval(values)
    lo, hi = band(values)
    return {"mean": mean, "lo": lo, "hi": hi, "sd": sd, "mean_lo": mean_lo, "mean_hi": mean_hi}
