"""The world's timing and reach parameters: the freshness kernel fitted to real cascades, and the rest.

Freshness: the chance that the platform still puts a post in front of a user falls with the post's
age a as k(a) = (1 + a / tau) ** -alpha (a power law, as in the self-exciting models of retweet
cascades, e.g. Zhao et al., "SEISMIC", KDD 2015). tau and alpha are fitted so that the cumulative
share of the one-week count, F(t) = K(t) / K(168 h) with K the integral of k, matches the median
share of real Twitter15 cascades at 1 h, 6 h, 12 h, 1 d and 2 d (../shared/data/PROVENANCE.md).
Averaged over posting hours the daily rhythm is flat, so the fit needs no rhythm.

`fit_freshness(path)` refits from any file of twitter15_cascade_curves.csv's shape; `write_params`
stores the fit with the data's checksum in simulator/data/world_params.json, which the world reads.
"""

import csv
import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

PARAMS_PATH = Path(__file__).resolve().parent / "data" / "world_params.json"
CURVE_HOURS = (1.0, 6.0, 12.0, 24.0, 48.0)
CURVE_COLUMNS = ("h1", "h6", "h12", "d1", "d2")
WEEK_H = 168.0
MIN_CASCADE = 20  # cascades of at least this many reshares in a week, as in PROVENANCE.md
TAU_GRID = np.geomspace(0.01, 24.0, 300)  # hours
PACE_QUANTILES = np.linspace(0.005, 0.995, 100)


def kernel_integral(t: np.ndarray | float, tau: float, alpha: float) -> np.ndarray:
    """K(t): the integral of (1 + a / tau) ** -alpha from 0 to t, in hours."""
    t = np.asarray(t, dtype=np.float64)
    if abs(alpha - 1.0) < 1e-9:
        return tau * np.log1p(t / tau)
    return tau * (1.0 - (1.0 + t / tau) ** (1.0 - alpha)) / (alpha - 1.0)


def cumulative_share(t: np.ndarray | float, tau: float, alpha: float) -> np.ndarray:
    """F(t) = K(t) / K(one week): the share of a week's reactions reached by age t."""
    return kernel_integral(t, tau, alpha) / kernel_integral(WEEK_H, tau, alpha)


def real_curve_shares(path: str | Path) -> np.ndarray:
    """(cascades, 5) shares of the one-week count at 1 h, 6 h, 12 h, 1 d, 2 d."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["w1"]) >= MIN_CASCADE]
    if not rows:
        raise ValueError(f"{path}: no cascade with at least {MIN_CASCADE} reshares in a week")
    return np.array([[int(r[c]) / int(r["w1"]) for c in CURVE_COLUMNS] for r in rows])


def fit_median_shares(median: np.ndarray) -> tuple[float, float]:
    """(tau, alpha) whose F is nearest (least squares) the median shares at CURVE_HOURS, on a grid."""
    hours = np.array(CURVE_HOURS)
    alphas = np.linspace(0.3, 4.0, 371)
    best = (np.inf, 1.0, 1.0)
    for tau in TAU_GRID:
        curves = np.stack([cumulative_share(hours, tau, a) for a in alphas])
        err = ((curves - median) ** 2).sum(axis=1)
        i = int(err.argmin())
        if err[i] < best[0]:
            best = (float(err[i]), float(tau), float(alphas[i]))
    return best[1], best[2]


def fit_pace(shares: np.ndarray, alpha: float) -> dict[str, Any]:
    """How much faster or slower than the median one post's reactions come: each cascade's own tau
    (alpha held at the median fit's), as factors of the median tau, summarised by 100 quantiles.

    The kernel is fitted to the median cascade; a post about to be posted is one cascade of the spread,
    and which one is not known before it is posted, so every rerun draws its pace from this spread
    (simulator.uncertainty) and the band holds the real spread of timing, not only the median's."""
    curves = np.stack([cumulative_share(np.array(CURVE_HOURS), tau, alpha) for tau in TAU_GRID])
    err = ((shares[:, None, :] - curves[None, :, :]) ** 2).sum(axis=2)  # (cascades, taus)
    taus = TAU_GRID[err.argmin(axis=1)]
    factors = np.quantile(taus / np.median(taus), PACE_QUANTILES)
    return {
        "spread": np.round(factors, 4).tolist(),
        "source": (
            f"each of the {len(shares)} cascades' own tau (least squares, alpha {alpha:g} as the median "
            "fit), divided by their median; 100 quantiles (0.5% to 99.5%): a rerun draws one as the post's "
            "pace, tau_h times the factor"
        ),
    }


def fit_freshness(path: str | Path) -> dict[str, Any]:
    """Least squares of F against the real median shares over a log grid of tau and a grid of alpha."""
    shares = real_curve_shares(path)
    median = np.median(shares, axis=0)
    hours = np.array(CURVE_HOURS)
    tau, alpha = fit_median_shares(median)
    fitted = cumulative_share(hours, tau, alpha)
    return {
        "tau_h": round(tau, 4),
        "alpha": round(alpha, 4),
        "real_median_share": dict(zip(CURVE_COLUMNS, np.round(median, 4).tolist(), strict=True)),
        "fitted_share": dict(zip(CURVE_COLUMNS, np.round(fitted, 4).tolist(), strict=True)),
        "cascades": int(len(shares)),
        "pace": fit_pace(shares, alpha),
        "data": {Path(path).name: hashlib.sha256(Path(path).read_bytes()).hexdigest()},
        "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "source": (
            "least-squares fit of the cumulative power-law freshness kernel to the median share of the "
            f"one-week count of real Twitter15 retweet cascades (>= {MIN_CASCADE} reshares), "
            "Ma, Gao and Wong, ACL 2017, via GitHub gszswork/Twitter15_16_dataset@6a33ebd9"
        ),
    }


def write_params(freshness: dict[str, Any], path: Path = PARAMS_PATH) -> None:
    """Replace the freshness section of the world's parameter file, keeping the rest."""
    data = json.loads(path.read_text())
    for key in ("bootstrap", "bootstrap_source"):  # kept across a refit: recomputed by the full fit
        if key in data["freshness"]:
            freshness.setdefault(key, data["freshness"][key])
    data["freshness"] = freshness
    path.write_text(json.dumps(data, indent=1) + "\n")
    world_params.cache_clear()


@dataclass(frozen=True)
class WorldParams:
    tau_h: float
    alpha: float
    explore_max: float  # P(the recommender slips a fresh post of average velocity into a session)
    explore_focus: float  # exponent on the user's interest percentile: how targeted exploring is
    explore_delay_h: float  # exploring ramps up as age / (age + delay)
    follow_see: float  # P(a follower's feed shows a fresh post of a followed creator)
    share_open: float  # P(opening a fresh share from a neighbour of influence 1)
    reshow: float  # relative chance of showing a post again to a user who has seen it
    show_less_suppress: float  # relative chance after the user asked for less of the creator
    creator_fatigue_half_life_h: float
    velocity_prior_impressions: float
    velocity_min: float
    velocity_max: float
    # A rerun's pace (simulator.uncertainty) moves when a post's reactions come, not how many: the
    # cascades' shares are of their own week and say nothing of size. So a drawn tau comes with the
    # factor that keeps the kernel's one-week integral at the fitted tau's (capped at 1 as a chance).
    kernel_scale: float = 1.0

    def kernel(self, age_h: np.ndarray) -> np.ndarray:
        """k(a) in [0, 1]: 1 for a fresh post at the fitted pace; 0 before it is posted."""
        age_h = np.asarray(age_h, dtype=np.float64)
        k = self.kernel_scale * (1.0 + np.maximum(age_h, 0.0) / self.tau_h) ** -self.alpha
        return np.where(age_h >= 0, np.minimum(k, 1.0), 0.0)

    def with_pace(self, factor: float) -> "WorldParams":
        """The same parameters for a post whose reactions come `factor` times slower (tau times it)."""
        tau = self.tau_h * factor
        week = kernel_integral(WEEK_H, self.tau_h, self.alpha) / kernel_integral(WEEK_H, tau, self.alpha)
        return replace(self, tau_h=tau, kernel_scale=self.kernel_scale * float(week))


@cache
def world_params(path: str = str(PARAMS_PATH)) -> WorldParams:
    data = json.loads(Path(path).read_text())
    values = {k: v["value"] for k, v in data["assumptions"].items()}
    return WorldParams(
        tau_h=float(data["freshness"]["tau_h"]),
        alpha=float(data["freshness"]["alpha"]),
        **{k: float(v) for k, v in values.items()},
    )
