"""R reruns of a world into bands, means and sentences a creator can read.

Each rerun draws what is uncertain: a new population and graph of the same audience (from the rerun's
seed) and, after the first, the parameters (simulator.uncertainty: fitted ones from a bootstrap of
their fit, priors from the range written beside each). The spread of outcomes across reruns is then
a predictive spread, and the band shown is its middle (simulator.bands).
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.bands import band, band_coverage, spread, t95
from simulator.serial import JsonRecord
from simulator.text.summaries import run_sentences
from simulator.world import HORIZONS, METRICS, SEGMENTS, RerunResult

PER_POST_METRICS = (
    "impressions",
    "views",
    "unique_viewers",
    "likes",
    "comments",
    "shares",
    "show_less",
    "unfollows",
)
CURVE_METRICS = ("impressions", "views", "likes", "shares")


@dataclass
class RunSummary(JsonRecord):
    runs: int
    users: int
    real_scale: bool
    posts: list[dict[str, Any]]  # per post: item_id, at_hours, {metric: {horizon: stats}} for "all"
    figures: dict[str, dict[str, dict[str, dict[str, float]]]]  # metric -> horizon -> segment -> stats
    curves: dict[str, dict[str, list[float]]]  # metric -> mean / lo / hi (the band), cumulative per hour
    tightening: dict[str, Any]  # how wide the band and the mean's interval are (24 h views)
    totals: dict[str, dict[str, float]]  # reached, followers_start, followers_end, net_followers -> stats
    summary: list[str]
    samples: list[dict[str, Any]] = field(default_factory=list)
    brain_usage: dict[str, int] = field(default_factory=dict)
    simulated_views: float = 0.0  # views per rerun among the simulated users (no weights), all posts
    horizon_hours: float = 168.0
    band_coverage: float = 0.0  # the chance a new rerun lands inside the band (see `band_coverage`)
    weighted: bool = False  # real-scale weights other than 1 apply (figures count people, not users)

    def figure(self, metric: str, horizon: str = "1w", segment: str = "all") -> dict[str, float]:
        return self.figures[metric][horizon][segment]


def _cells(stats: dict[str, np.ndarray], index: tuple) -> dict[str, float]:
    return {k: float(v[index]) for k, v in stats.items()}


def summarise_reruns(
    reruns: list[RerunResult], *, real_scale: bool = True, sample_limit: int = 40, exposure: str = "organic"
) -> RunSummary:
    """Bands, means and the mean's intervals of every (metric, horizon, segment), per-post figures,
    curves and sentences (which advise, when too few users watched, as fits the run's `exposure`)."""
    if not reruns:
        raise ValueError("no rerun to summarise")
    first = reruns[0]
    if any(r.posts != first.posts or r.users != first.users for r in reruns):
        raise ValueError("reruns of different runs (posts or users differ) cannot be summarised together")
    runs = len(reruns)
    values = np.stack([r.metric_array(real_scale=real_scale) for r in reruns])  # [R, M, H, S]
    stats = spread(values)
    figures = {
        m: {
            h: {s: _cells(stats, (mi, hh, si)) for si, s in enumerate(SEGMENTS)}
            for hh, h in enumerate(HORIZONS)
        }
        for mi, m in enumerate(METRICS)
    }

    posts = []
    mi = [METRICS.index(m) for m in PER_POST_METRICS]
    for k, item_id in enumerate(first.posts):
        per = np.stack(
            [r.metric_array(post=k, real_scale=real_scale)[mi][:, :, 0] for r in reruns]
        )  # [R, m, H]
        ps = spread(per)
        posts.append(
            {
                "item_id": item_id,
                "at_hours": first.post_hours[k],
                "figures": {
                    m: {h: _cells(ps, (j, hh)) for hh, h in enumerate(HORIZONS)}
                    for j, m in enumerate(PER_POST_METRICS)
                },
            }
        )

    curves = {}
    for m in CURVE_METRICS:
        c = np.stack(
            [sum(r.curve(m, post=k, real_scale=real_scale) for k in range(len(r.posts))) for r in reruns]
        )
        cs = spread(c)
        curves[m] = {key: np.round(cs[key], 3).tolist() for key in ("mean", "lo", "hi")}

    def real(r: RerunResult, per_class: np.ndarray) -> float:
        return r.real(per_class) if real_scale else float(np.sum(per_class))

    per_run = {
        "reached": [real(r, r.reached) for r in reruns],
        "followers_start": [real(r, r.followers_start) for r in reruns],
        "followers_end": [real(r, r.followers_end) for r in reruns],
    }
    per_run["net_followers"] = [
        e - s for s, e in zip(per_run["followers_start"], per_run["followers_end"], strict=True)
    ]
    totals = {k: _cells(spread(np.array(v)), ()) for k, v in per_run.items()}

    usage: dict[str, int] = {}
    for r in reruns:
        for k, v in r.brain_usage.items():
            usage[k] = usage.get(k, 0) + v
    summary = RunSummary(
        runs=runs,
        users=first.users,
        real_scale=real_scale,
        posts=posts,
        figures=figures,
        curves=curves,
        tightening=_precision(values, runs),
        totals=totals,
        summary=[],
        samples=[dict(s, rerun=r.rerun) for r in reruns for s in r.samples][:sample_limit],
        brain_usage=usage,
        simulated_views=float(np.mean([r.counted("views") for r in reruns])),
        horizon_hours=float(first.horizon_hours),
        band_coverage=band_coverage(runs),
        weighted=real_scale and any(abs(w - 1.0) > 1e-9 for r in reruns for w in r.weights),
    )
    summary.summary = run_sentences(summary, reruns, exposure)
    return summary


def _precision(values: np.ndarray, runs: int) -> dict[str, Any]:
    """How wide the band on 24 h views is, and how precisely the reruns pin down its mean."""
    m, h = METRICS.index("views"), HORIZONS.index("24h")
    v = values[:, m, h, 0]
    mean = float(v.mean())
    lo, hi = band(v)
    sd = float(v.std(ddof=1)) if runs > 1 else 0.0
    half = float(t95(runs - 1) * sd / np.sqrt(runs) / mean) if runs > 1 and mean > 0 else None
    return {
        "figure": "views at 24h, all users",
        "runs": runs,
        "band_coverage": band_coverage(runs),
        "band_width": float((hi - lo) / mean) if mean > 0 else None,  # (hi - lo) / mean
        "cv": sd / mean if mean > 0 and runs > 1 else None,  # rerun-to-rerun coefficient of variation
        "mean_half_width": half,  # the mean's 90% interval, +- this share of the mean
    }
