"""R reruns of a world into means, 90% intervals and sentences a creator can read.

Each rerun differs only in its random draws (same audience, same graph), so the spread across
reruns is the simulator's own uncertainty. Every figure gets the mean over reruns and the 90%
interval of that mean (Student t with R - 1 degrees of freedom); the interval narrows like
t(R - 1) / sqrt(R), which says how much more reruns would buy.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.serial import JsonRecord
from simulator.world import HORIZONS, METRICS, SEGMENTS, RerunResult

# one-sided 95% quantiles of Student's t (so a two-sided 90% interval), by degrees of freedom
_T95 = {1: 6.314, 2: 2.920, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.860, 9: 1.833, 10: 1.812,
        12: 1.782, 15: 1.753, 20: 1.725, 25: 1.708, 30: 1.697, 40: 1.684, 60: 1.671, 120: 1.658}  # fmt: skip
_Z95 = 1.645
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
MIN_SEGMENT_USERS = 30  # segments with fewer simulated users are not singled out in sentences


def t95(df: int) -> float:
    """The t quantile for df degrees of freedom (the next tabled df down, so never too narrow)."""
    if df <= 0:
        return float("inf")
    usable = [d for d in _T95 if d <= df]
    return _T95[max(usable)] if df < 1000 else _Z95


def interval(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """mean, lo, hi, sd over reruns (axis 0); with one rerun the interval is the value itself.

    Where every value is non-negative the interval is cut at zero.
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


def runs_for(relative_half_width: float, mean: float, sd: float, start: int) -> int | None:
    """Fewest reruns whose 90% interval is within +-relative_half_width of the mean (None past 1000)."""
    if mean <= 0:
        return None
    for runs in range(max(start, 2), 1001):
        if t95(runs - 1) * sd / np.sqrt(runs) <= relative_half_width * mean:
            return runs
    return None


@dataclass
class RunSummary(JsonRecord):
    runs: int
    users: int
    real_scale: bool
    posts: list[dict[str, Any]]  # per post: item_id, at_hours, {metric: {horizon: {mean, lo, hi}}} for "all"
    figures: dict[str, dict[str, dict[str, dict[str, float]]]]  # metric -> horizon -> segment -> stats
    curves: dict[str, dict[str, list[float]]]  # metric -> mean / lo / hi, cumulative per hour, all posts
    tightening: dict[str, Any]
    totals: dict[str, dict[str, float]]  # reached, followers_start, followers_end, net_followers -> stats
    summary: list[str]
    samples: list[dict[str, Any]] = field(default_factory=list)
    brain_usage: dict[str, int] = field(default_factory=dict)
    simulated_views: float = 0.0  # views per rerun among the simulated users (no weights), all posts

    def figure(self, metric: str, horizon: str = "1w", segment: str = "all") -> dict[str, float]:
        return self.figures[metric][horizon][segment]


def _stats(mean, lo, hi, sd) -> dict[str, float]:
    return {"mean": float(mean), "lo": float(lo), "hi": float(hi), "sd": float(sd)}


def _nested(mean, lo, hi, sd) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    return {
        m: {
            h: {
                s: _stats(mean[mi, hi_, si], lo[mi, hi_, si], hi[mi, hi_, si], sd[mi, hi_, si])
                for si, s in enumerate(SEGMENTS)
            }
            for hi_, h in enumerate(HORIZONS)
        }
        for mi, m in enumerate(METRICS)
    }


def summarise_reruns(
    reruns: list[RerunResult], *, real_scale: bool = True, sample_limit: int = 40, exposure: str = "organic"
) -> RunSummary:
    """Means and 90% intervals of every (metric, horizon, segment), per-post figures, curves, sentences
    (which advise, when too few users watched, as fits the run's `exposure`)."""
    if not reruns:
        raise ValueError("no rerun to summarise")
    first = reruns[0]
    if any(r.posts != first.posts or r.users != first.users for r in reruns):
        raise ValueError("reruns of different runs (posts or users differ) cannot be summarised together")
    runs = len(reruns)
    values = np.stack([r.metric_array(real_scale=real_scale) for r in reruns])  # [R, M, H, S]
    mean, lo, hi, sd = interval(values)
    figures = _nested(mean, lo, hi, sd)

    posts = []
    mi = [METRICS.index(m) for m in PER_POST_METRICS]
    for k, item_id in enumerate(first.posts):
        per = np.stack(
            [r.metric_array(post=k, real_scale=real_scale)[mi][:, :, 0] for r in reruns]
        )  # [R, m, H]
        pm, plo, phi, psd = interval(per)
        posts.append(
            {
                "item_id": item_id,
                "at_hours": first.post_hours[k],
                "figures": {
                    m: {
                        h: _stats(pm[j, hh], plo[j, hh], phi[j, hh], psd[j, hh])
                        for hh, h in enumerate(HORIZONS)
                    }
                    for j, m in enumerate(PER_POST_METRICS)
                },
            }
        )

    curves = {}
    for m in CURVE_METRICS:
        c = np.stack(
            [sum(r.curve(m, post=k, real_scale=real_scale) for k in range(len(r.posts))) for r in reruns]
        )
        cm, clo, chi, _ = interval(c)
        curves[m] = {
            "mean": np.round(cm, 3).tolist(),
            "lo": np.round(clo, 3).tolist(),
            "hi": np.round(chi, 3).tolist(),
        }

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
    totals = {k: _stats(*interval(np.array(v))) for k, v in per_run.items()}

    tightening = _tightening(values, runs)
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
        tightening=tightening,
        totals=totals,
        summary=[],
        samples=[dict(s, rerun=r.rerun) for r in reruns for s in r.samples][:sample_limit],
        brain_usage=usage,
        simulated_views=float(np.mean([r.counted("views") for r in reruns])),
    )
    segment_users = first.segment_users.sum(axis=1)
    summary.summary = _sentences(summary, segment_users, exposure)
    return summary


def _tightening(values: np.ndarray, runs: int) -> dict[str, Any]:
    """How wide the 24 h views interval is now, and with more reruns."""
    m, h, s = METRICS.index("views"), HORIZONS.index("24h"), 0
    v = values[:, m, h, s]
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if runs > 1 else 0.0
    now = float(t95(runs - 1) * sd / np.sqrt(runs) / mean) if runs > 1 and mean > 0 else None
    doubled = float(t95(2 * runs - 1) * sd / np.sqrt(2 * runs) / mean) if runs > 1 and mean > 0 else None
    return {
        "figure": "views at 24h, all users",
        "cv": sd / mean if mean > 0 and runs > 1 else None,  # rerun-to-rerun coefficient of variation
        "half_width_now": now,
        "half_width_doubled": doubled,
        "narrower_by_doubling": (1 - doubled / now) if now else None,
        "runs_for_10_percent": runs_for(0.10, mean, sd, runs) if runs > 1 else None,
        "runs_for_5_percent": runs_for(0.05, mean, sd, runs) if runs > 1 else None,
    }


MIN_VIEWS_FOR_RATES = 30  # simulated views per run below which a rate per view is mostly noise
_MORE = (
    "Simulate more users, or screen the post to a sample of the public (a general or slice audience): "
    "the public rarely meets a post from an account it does not follow."
)


def _n(x: float) -> str:
    """A count the way a person says it: 12,300 / 840 / 3.4."""
    if abs(x) >= 1000:
        return f"{round(x, -2):,.0f}" if abs(x) < 100_000 else f"{round(x, -3):,.0f}"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}"


def _sentences(s: RunSummary, segment_users: np.ndarray, exposure: str) -> list[str]:
    more = _MORE if exposure == "organic" else "Simulate more users."
    out = []
    scale = "people on the platform" if s.real_scale else "simulated users"
    v24, v1w = s.figure("views", "24h"), s.figure("views", "1w")
    reach = s.totals["reached"]
    ran = f"Over {s.runs} run{'s' if s.runs > 1 else ''}"
    if v1w["mean"] <= 0:
        return [f"{ran}, nobody in this audience watched the post: it reached almost no one's feed. {more}"]
    band = f" (90% interval {_n(v24['lo'])} to {_n(v24['hi'])})" if s.runs > 1 else ""
    out.append(
        f"{ran}, the post is watched {_n(v24['mean'])} times in its first 24 hours{band} "
        f"and {_n(v1w['mean'])} times in a week, by {_n(reach['mean'])} {scale}."
    )
    few = s.simulated_views < MIN_VIEWS_FOR_RATES
    if few:
        out.append(
            f"Only {_n(s.simulated_views)} of the {s.users:,} simulated users watched it per run: too few "
            f"to read rates (likes per view, best segments). {more}"
        )
    early = s.figure("views", "6h")["mean"] / v1w["mean"]
    out.append(f"Most of it happens early: {early:.0%} of the week's views come within 6 hours of posting.")
    imp = s.figures["impressions"]["1w"]
    views = s.figures["views"]["1w"]
    rate = {
        seg: views[seg]["mean"] / imp[seg]["mean"]
        for seg in ("follower:yes", "follower:no")
        if imp[seg]["mean"] > 0
    }
    if len(rate) == 2:
        out.append(
            f"Followers watch it {rate['follower:yes']:.0%} of the times they are shown it; "
            f"people who do not follow you, {rate['follower:no']:.0%}."
        )
    best = None if few else _best_segment(s, segment_users)
    if best:
        out.append(best)
    shared = s.figures["from_shares"]["1w"]["follower:no"]["mean"]
    if shared > 0:
        out.append(f"Shares put it in front of {_n(shared)} people who do not follow you.")
    likes, comments = s.figure("likes")["mean"], s.figure("comments")["mean"]
    liked = "" if few else f" ({likes / v1w['mean']:.1%} of views liked)"
    out.append(f"It collects {_n(likes)} likes and {_n(comments)} comments in a week{liked}.")
    net = s.totals["net_followers"]["mean"]
    out.append(
        f"Net followers: {'+' if net >= 0 else ''}{_n(net)} "
        f"({_n(s.figure('follows')['mean'])} new, {_n(s.figure('unfollows')['mean'])} unfollows); "
        f"{_n(s.figure('show_less')['mean'])} asked to see less."
    )
    t = s.tightening
    if t["half_width_now"] is not None:
        more = (
            f"; doubling the runs would narrow it to about +-{t['half_width_doubled']:.0%}"
            if t["half_width_doubled"]
            else ""
        )
        out.append(f"The interval on 24-hour views is +-{t['half_width_now']:.0%} of the mean{more}.")
    else:
        out.append("One run gives no interval; rerun at least twice to see how much the figures vary.")
    return out


def _best_segment(s: RunSummary, segment_users: np.ndarray) -> str | None:
    """The age band and the country whose users watch most per head (with enough users to say so)."""
    views = s.figures["views"]["1w"]
    parts = []
    for prefix, label in (("age_band:", "ages"), ("country:", "users in")):
        rates = {
            seg: views[seg]["mean"] / segment_users[i]
            for i, seg in enumerate(SEGMENTS)
            if seg.startswith(prefix) and segment_users[i] >= MIN_SEGMENT_USERS
        }
        if len(rates) > 1:
            top = max(rates, key=rates.get)
            parts.append(f"{label} {top.split(':', 1)[1]}")
    if not parts:
        return None
    return f"It does best with {' and '.join(parts)} (views per person in the audience)."
