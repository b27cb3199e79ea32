"""A creator's own offsets over the platform model, shrunk by how much history there is.

The fit is empirical Bayes, normal-normal on the log scale (a two-level hierarchical model with the
between-account spread fixed from data). For each offset k the posts give values y_1..y_n (the log
of what the post did over what the platform model expected for it):
    y_i ~ N(theta_k, sigma_k^2)   post to post, within the account
    theta_k ~ N(0, tau_k^2)       account to account: the platform model is the centre
so the posterior of theta_k is N(w * mean(y), w * sigma_k^2 / n) with the shrinkage weight
w = n tau^2 / (n tau^2 + sigma^2): with few posts the offset stays near the platform's, with many it
is the account's own. tau_k comes from simulator/data/account_priors.json (fitted across the
channels of the 2017 YouTube trending file, `python -m simulator.track_record.priors`); sigma_k is the
account's own spread, pooled with that file's within-channel spread as PRIOR_POSTS pseudo-posts.

Offsets: reach (week views, or impressions where the history has them, over the platform's), view
(view odds per impression, only with impressions), like / comment / share / follow (acts per view)
and timing (a stretch of the freshness kernel's time scale: above 1, the account's posts keep
gathering reactions longer). Level offsets of each count (views, likes, ...) drive the predictions.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from simulator.serial import JsonRecord
from simulator.timing import PARAMS_PATH as WORLD_PARAMS_PATH
from simulator.timing import cumulative_share
from simulator.track_record.history import HORIZON_HOURS, PastPost
from simulator.types import ItemEffects

PRIORS_PATH = Path(__file__).resolve().parents[1] / "data" / "account_priors.json"
PRIOR_POSTS = 3.0  # weight of the prior within-account spread, in posts
Z90 = 1.6449  # two-sided 90% band of a normal
ACTS = ("likes", "comments", "shares", "follows")
LIVE_METHOD = (
    "a posterior update: the forecast's log week count (normal) conditioned on the count so far, read "
    "through the log share of the week reached by that age (the account's, else real cascades'), with "
    "that share's spread and Poisson noise as the observation's variance"
)
EFFECT_OF = {"likes": "like", "comments": "comment", "shares": "share", "follows": "follow"}
LEVELS = ("views", "likes", "comments", "shares", "follows", "impressions")
_STRETCH = np.geomspace(0.05, 20.0, 161)  # timing stretches searched per post


@cache
def account_priors(path: str = str(PRIORS_PATH)) -> dict:
    return json.loads(Path(path).read_text())


def prior(name: str) -> tuple[float, float]:
    """(within-account sd, between-account sd) of an offset or level, on the log scale."""
    entry = account_priors()["offsets"][name]
    return float(entry["within_sd"]), float(entry["between_sd"])


@cache
def platform_timing() -> tuple[float, float]:
    """(tau_h, alpha) of the platform's analytic freshness curve: the kernel fitted to real cascades
    (world_params.json freshness.kernel_only), whose shares match the world's simulated curve."""
    data = json.loads(WORLD_PARAMS_PATH.read_text())["freshness"]
    kernel = data.get("kernel_only", data)
    return float(kernel["tau_h"]), float(kernel["alpha"])


def share_at(hours: float | np.ndarray, stretch: float | np.ndarray = 1.0) -> np.ndarray:
    """The share of a week's count reached at `hours` after posting, on a curve stretched in time."""
    tau, alpha = platform_timing()
    return cumulative_share(np.minimum(hours, 168.0), tau * np.asarray(stretch), alpha)


@dataclass
class Platform(JsonRecord):
    """What the uncalibrated platform model expects of one post of the account in a week."""

    week: dict[str, float]  # metric -> expected one-week count; a metric left out is unknown
    source: str

    def expected(self, metric: str, horizon: str, stretch: float = 1.0) -> float | None:
        if metric not in self.week:
            return None
        return float(self.week[metric] * share_at(HORIZON_HOURS[horizon], stretch))


@dataclass
class Offset(JsonRecord):
    """One fitted offset: the multiplier the account applies to the platform's value."""

    name: str
    multiplier: float  # exp of the posterior mean
    low: float  # 90% interval of the multiplier
    high: float
    raw: float  # exp(mean of the posts' values), before shrinking
    posts: int
    shrinkage: float  # weight on the account's own data, 0 (platform) to 1 (own)
    within_sd: float  # post-to-post spread, log scale
    between_sd: float  # account-to-account spread (the prior), log scale

    @property
    def log_mean(self) -> float:
        return math.log(self.multiplier)

    @property
    def log_sd(self) -> float:
        return (math.log(self.high) - math.log(self.low)) / (2 * Z90)


@dataclass
class AccountFit(JsonRecord):
    posts: int
    platform: Platform
    offsets: dict[str, Offset]  # reach, view, like, comment, share, follow, timing (those the posts inform)
    levels: dict[str, Offset]  # per count: its week level over the platform's
    method: str = (
        "empirical Bayes, normal-normal on log multipliers: each offset shrunk towards the platform's "
        "by n tau^2 / (n tau^2 + sigma^2)"
    )
    notes: list[str] = field(default_factory=list)
    share: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # metric -> share_model

    @property
    def stretch(self) -> float:
        return self.offsets["timing"].multiplier if "timing" in self.offsets else 1.0


def shrink(name: str, values: np.ndarray, *, prior_name: str | None = None) -> Offset:
    """The empirical-Bayes posterior of an offset from the posts' log values (module doc)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    sigma0, tau = prior(prior_name or name)
    n = len(values)
    if n >= 2:
        sample_var = float(values.var(ddof=1))
        sigma2 = (PRIOR_POSTS * sigma0**2 + (n - 1) * sample_var) / (PRIOR_POSTS + n - 1)
    else:
        sigma2 = sigma0**2
    mean = float(values.mean()) if n else 0.0
    weight = n * tau**2 / (n * tau**2 + sigma2) if n else 0.0
    post_mean = weight * mean
    post_sd = math.sqrt(weight * sigma2 / n) if n else tau
    return Offset(
        name=name,
        multiplier=math.exp(post_mean),
        low=math.exp(post_mean - Z90 * post_sd),
        high=math.exp(post_mean + Z90 * post_sd),
        raw=math.exp(mean),
        posts=n,
        shrinkage=weight,
        within_sd=math.sqrt(sigma2),
        between_sd=tau,
    )


def post_stretch(post: PastPost, metric: str = "views") -> float | None:
    """The time stretch of the platform curve that best fits this post's growth (least squares on the
    log of each earlier count over the latest), or None with fewer than two positive horizons."""
    known = [(HORIZON_HOURS[h], post.counts[h][metric]) for h in post.horizons(metric)]
    known = [(t, c) for t, c in known if c > 0]
    if len(known) < 2 or known[0][0] == known[-1][0]:
        return None
    hours = np.array([t for t, _ in known])
    counts = np.array([c for _, c in known])
    curves = share_at(hours[None, :], _STRETCH[:, None])  # (stretch, horizon)
    observed = np.log(counts[:-1] / counts[-1])
    model = np.log(curves[:, :-1] / curves[:, -1:])
    return float(_STRETCH[int(((model - observed) ** 2).sum(axis=1).argmin())])


def post_terms(post: PastPost) -> dict[str, float]:
    """This post's values, free of the platform: its timing stretch (log) and, per count, the log of
    its week-equivalent (the latest count over the platform curve's share at that age)."""
    stretch_metric = "views" if post.horizons("views") else next((m for m in LEVELS if post.horizons(m)), "")
    terms: dict[str, float] = {}
    stretch = post_stretch(post, stretch_metric) if stretch_metric else None
    if stretch is not None:
        terms["timing"] = math.log(stretch)
    for metric in LEVELS:
        latest = post.latest(metric)
        if latest:
            terms[f"z:{metric}"] = math.log(latest[1] + 0.5) - math.log(
                float(share_at(HORIZON_HOURS[latest[0]]))
            )
    return terms


OFFSET_NAMES = ("reach", "view", "like", "comment", "share", "follow", "timing")
EARLY = tuple(h for h in HORIZON_HOURS if h != "1w")


def content_log(effects: ItemEffects) -> dict[str, float]:
    """The log multiplier a post's content effects (simulator.content) put on each of its counts:
    impressions by reach, views by reach and view (a view-odds multiplier read as one of views, exact
    for rare views), each act by the views and its rate per view."""
    views = math.log(effects.reach) + math.log(effects.view)
    out = {"impressions": math.log(effects.reach), "views": views}
    for metric in ACTS:
        out[metric] = views + math.log(getattr(effects, EFFECT_OF[metric]))
    return out


class TermTable:
    """The posts' terms as columns (nan where a post has none), and per metric the log share of the
    week each post had reached at each early horizon: what a fit needs, computed once per history, so a
    leave-one-out backtest fits each subset with array masks. `content`: per post, what its content
    explains (simulator.content, None where it has no words), taken out of its levels."""

    def __init__(self, posts: list[PastPost], content: list[ItemEffects | None] | None = None):
        terms = [post_terms(p) for p in posts]
        keys = {k for t in terms for k in t}
        self.columns = {k: np.array([t.get(k, np.nan) for t in terms], dtype=np.float64) for k in keys}
        self.counts = {
            m: np.array(
                [
                    [p.count(m, h) if p.count(m, h) is not None else np.nan for h in HORIZON_HOURS]
                    for p in posts
                ]
            )
            for m in LEVELS
        }
        self.log_share = {}
        for metric in LEVELS:
            table = np.full((len(posts), len(EARLY)), np.nan)
            for i, p in enumerate(posts):
                week = p.count(metric, "1w") or 0
                for j, h in enumerate(EARLY):
                    early = p.count(metric, h) or 0
                    if week > 0 and early > 0:
                        table[i, j] = math.log(early / week)
            if np.isfinite(table).any():
                self.log_share[metric] = table
        self.size = len(posts)
        logs = [content_log(e) if e is not None else None for e in (content or [None] * len(posts))]
        self.content = {m: np.array([c[m] if c else 0.0 for c in logs]) for m in LEVELS}
        self.has_content = np.array([c is not None for c in logs], dtype=bool)

    def column(self, key: str, mask: np.ndarray) -> np.ndarray:
        return self.columns[key][mask] if key in self.columns else np.full(int(mask.sum()), np.nan)


def offset_values(table: TermTable, mask: np.ndarray, platform: Platform) -> dict[str, np.ndarray]:
    """Per offset and level, the masked posts' log values over the platform's (module doc)."""
    log_week = {m: math.log(v) for m, v in platform.week.items() if v > 0}
    out = {"timing": table.column("timing", mask)}
    for metric in LEVELS:
        if metric in log_week:
            explained = table.content[metric][mask]  # what the content model expects of each post
            out[f"level:{metric}"] = table.column(f"z:{metric}", mask) - log_week[metric] - explained
    has_impressions = "level:impressions" in out and np.isfinite(out["level:impressions"]).any()
    base = "impressions" if has_impressions else "views"
    if f"level:{base}" in out:
        out["reach"] = out[f"level:{base}"]
    if base == "impressions" and "level:views" in out:
        out["view"] = out["level:views"] - out["level:impressions"]
    if "level:views" in out:
        for metric in ACTS:
            if f"level:{metric}" in out:
                out[EFFECT_OF[metric]] = out[f"level:{metric}"] - out["level:views"]
    return {k: v for k, v in out.items() if np.isfinite(v).any()}


def fit_account(
    posts: list[PastPost],
    platform: Platform,
    *,
    table: TermTable | None = None,
    mask: np.ndarray | None = None,
    content: list[ItemEffects | None] | None = None,
) -> AccountFit:
    """The account's offsets from its posts, or from the `mask`ed rows of a prebuilt `table`; with
    `content` (per post, TermTable), fitted on top of what each post's content explains."""
    table = table or TermTable(posts, content)
    mask = np.ones(table.size, dtype=bool) if mask is None else mask
    values = offset_values(table, mask, platform)
    offsets = {name: shrink(name, values[name]) for name in OFFSET_NAMES if name in values}
    levels = {
        m: shrink(m, values[f"level:{m}"], prior_name=f"level:{m}") for m in LEVELS if f"level:{m}" in values
    }
    notes = []
    if "view" not in offsets:
        notes.append(
            "No impressions in the history: view odds cannot be told from reach, so reach carries both."
        )
    read = int((table.has_content & mask).sum())
    if read:
        notes.append(
            f"The content model read the words of {read} post(s); the offsets are what "
            "remains once each post's content effects are taken out, so good captions are not counted twice."
        )
    fit = AccountFit(posts=int(mask.sum()), platform=platform, offsets=offsets, levels=levels, notes=notes)
    fit.share = {m: share_model(table, mask, m, fit.stretch) for m in table.log_share}
    return fit


@dataclass
class Forecast(JsonRecord):
    """A post's predicted count at each horizon: the median and the 90% band, log-normal.

    The share of the week reached by an early horizon is the platform curve (stretched by the
    account's timing) times exp(residual), with its own spread (`share`: horizon -> [residual, sd]).
    `log_week` is the count at `target` (the week, or the horizon a shorter run ends at); an earlier
    horizon's share of the target's count is its share of the week over the target's, with the
    variance left between the two (log shares taken as growing by independent steps, so the variance
    of reaching the target from h is var(h) - var(target)). After a live update `observed` holds the
    count it was conditioned on, the floor of later ones."""

    metric: str
    log_week: float  # log of the median count at `target`
    week_sd: float  # its predictive sd (post to post, and the offset's own uncertainty)
    stretch: float = 1.0
    share: dict[str, list[float]] = field(default_factory=dict)
    observed: dict[str, float] = field(default_factory=dict)
    target: str = "1w"

    def _week_share(self, horizon: str) -> tuple[float, float]:
        if horizon == "1w":
            return 0.0, 0.0
        resid, sd = self.share.get(horizon) or early_share_prior(horizon)
        return math.log(float(share_at(HORIZON_HOURS[horizon], self.stretch))) + resid, sd

    def log_share(self, horizon: str) -> tuple[float, float]:
        """(mean, sd) of the log share of the target's count reached at `horizon` (up to the target)."""
        if HORIZON_HOURS[horizon] > HORIZON_HOURS[self.target]:
            raise ValueError(f"{horizon} is after the forecast's last horizon, {self.target}")
        mean, sd = self._week_share(horizon)
        target_mean, target_sd = self._week_share(self.target)
        return mean - target_mean, math.sqrt(max(sd**2 - target_sd**2, 0.0))

    def at(self, horizon: str) -> tuple[float, float, float]:
        """(median, lo, hi) at a horizon."""
        mean, share_sd = self.log_share(horizon)
        mean += self.log_week
        sd = math.hypot(self.week_sd, share_sd)
        floor = max(
            (c for h, c in self.observed.items() if HORIZON_HOURS[h] <= HORIZON_HOURS[horizon]), default=0.0
        )
        return tuple(max(floor, math.exp(x)) for x in (mean, mean - Z90 * sd, mean + Z90 * sd))


def early_share_prior(horizon: str) -> list[float]:
    """[residual, sd] of the log share at an early horizon from the Twitter15 cascades (priors file);
    horizons past two days take the two-day spread."""
    shares = account_priors()["early_share"]
    entry = shares.get(horizon) or shares["2d"]
    return [float(entry["mean_log_residual"]) if horizon in shares else 0.0, float(entry["sd"])]


def share_model(table: TermTable, mask: np.ndarray, metric: str, stretch: float) -> dict[str, list[float]]:
    """Per early horizon, [residual, sd] of the log share from the masked posts that have it and the
    week, pooled with the prior as PRIOR_POSTS pseudo-posts."""
    out = {}
    logs_all = table.log_share[metric][mask]
    for j, horizon in enumerate(EARLY):
        logs = logs_all[:, j]
        logs = logs[np.isfinite(logs)]
        resid0, sd0 = early_share_prior(horizon)
        k = len(logs)
        if not k:
            continue
        resid = logs - math.log(float(share_at(HORIZON_HOURS[horizon], stretch)))
        mean = (PRIOR_POSTS * resid0 + k * resid.mean()) / (PRIOR_POSTS + k)
        var = (PRIOR_POSTS * sd0**2 + (k - 1) * (resid.var(ddof=1) if k > 1 else 0.0)) / (PRIOR_POSTS + k - 1)
        out[horizon] = [float(mean), math.sqrt(var)]
    return out


def forecast(
    fit: AccountFit, metric: str, *, calibrated: bool = True, content: float = 0.0
) -> Forecast | None:
    """A new post's forecast of `metric` by the platform model, with the account's offsets and its
    posts' early shares, or without; `content`: the log multiplier its own content puts on the count
    (content_log). None where the platform has no level for the metric."""
    base = fit.platform.week.get(metric)
    if not base:
        return None
    base *= math.exp(content)
    level = fit.levels.get(metric)
    sigma0, tau = prior(f"level:{metric}")
    if calibrated and level is not None:
        stretch = fit.stretch
        return Forecast(
            metric=metric,
            log_week=math.log(base) + level.log_mean,
            week_sd=math.hypot(level.within_sd, level.log_sd),
            stretch=stretch,
            share=fit.share.get(metric, {}),
        )
    return Forecast(metric=metric, log_week=math.log(base), week_sd=math.hypot(sigma0, tau))


def live_update(before: Forecast, *, horizon: str, count: float) -> Forecast:
    """The forecast conditioned on the count observed `horizon` after posting: a conjugate normal
    update of the log target count, the observation being log(count) less the log share at that age,
    with the share's spread and Poisson noise (1 / count) as its variance."""
    if horizon == before.target:
        return Forecast(
            **{
                **before.__dict__,
                "log_week": math.log(max(count, 0.5)),  # the count itself (0.5: a floor for zero)
                "week_sd": 0.0,
                "observed": {**before.observed, horizon: count},
            }
        )
    share_mean, share_sd = before.log_share(horizon)
    y = math.log(count + 0.5) - share_mean
    noise = share_sd**2 + 1.0 / (count + 0.5)
    prior_var = before.week_sd**2
    var = 1.0 / (1.0 / prior_var + 1.0 / noise)
    mean = var * (before.log_week / prior_var + y / noise)
    return Forecast(
        metric=before.metric,
        log_week=mean,
        week_sd=math.sqrt(var),
        stretch=before.stretch,
        share=before.share,
        observed={**before.observed, horizon: count},
        target=before.target,
    )
