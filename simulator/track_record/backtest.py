"""Leave-one-out backtest of the account fit over a history, beside two baselines, and of the live
update from a post's first hour (or six, or first day) against its week.

Within each account of at least MIN_POSTS posts, each post is predicted from the others: the
calibrated model (calibration.fit_account on the others, their early shares included), the
uncalibrated platform model (no offsets), and the account's median post (the median of the others'
counts at that horizon, its band their 5th to 95th percentile). Per metric and horizon: the median
absolute percentage error (posts with a positive count), Spearman's rank correlation of predicted
with real, and the share of posts inside the 90% band.

The platform's level: from the world (`platform`, for an account of known size) or, where none is
given, the median post of the file's other accounts (of the other posts, for a one-account file).
"""

import math
from collections import defaultdict
from datetime import UTC, datetime

import numpy as np

from simulator.track_record.calibration import (
    LEVELS,
    LIVE_METHOD,
    AccountFit,
    Forecast,
    Platform,
    TermTable,
    fit_account,
    forecast,
    live_update,
)
from simulator.track_record.history import HORIZON_HOURS, History, PastPost

MIN_POSTS = 3
MIN_BEFORE = 2  # earlier posts a rolling-origin prediction needs: what leave-one-out has at MIN_POSTS
HORIZON_INDEX = {h: i for i, h in enumerate(HORIZON_HOURS)}
UPDATE_FROM = ("1h", "6h", "24h")  # the early horizons a live update is backtested from
MIN_TARGET_H = 72.0  # a live update is scored against the week, or the latest count from 3 days on
MAX_POINTS = 5000  # predicted-vs-real points kept for the chart and the CSV
SEISMIC = {
    "source": "Zhao, Erdogdu, He, Rajaraman and Leskovec, SEISMIC, KDD 2015",
    "figure": "about 15% median relative error predicting a tweet's final reshares from its first hour",
}


def rank(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's rho (Pearson's r of the ranks); None under 3 pairs or with a constant side."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) < 3:
        return None
    ra, rb = rank(a), rank(b)
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


def scores(predicted, lo, hi, actual) -> dict:
    """MdAPE, Spearman and 90%-band coverage of predictions against what happened."""
    predicted, lo, hi, actual = (np.asarray(x, dtype=np.float64) for x in (predicted, lo, hi, actual))
    positive = actual > 0
    ape = np.abs(predicted[positive] - actual[positive]) / actual[positive]
    # A prediction that is the same for every post up to the leave-one-out wobble has no rank to speak
    # of (leaving a post out moves the others' mean against it, so its rho is about -1 by construction).
    spread = (
        (predicted.max() - predicted.min()) / max(float(np.median(predicted)), 1e-9) if len(predicted) else 0
    )
    rho = spearman(predicted, actual) if spread >= 0.01 else None
    return {
        "n": int(len(actual)),
        "mdape": float(np.median(ape)) if len(ape) else None,
        "spearman": None if rho is None else round(rho, 4),
        "coverage90": float(np.mean((lo <= actual) & (actual <= hi))) if len(actual) else None,
    }


def _pool_platform(table: TermTable, mask: np.ndarray, source: str) -> Platform:
    """The median week-equivalent count of each metric over the masked posts."""
    week = {}
    for metric in LEVELS:
        z = table.column(f"z:{metric}", mask)
        z = z[np.isfinite(z)]
        if len(z):
            week[metric] = float(math.exp(np.median(z)))
    return Platform(week=week, source=source)


def _post_times(posts: list[PastPost]) -> np.ndarray:
    """Each post's posting time as a POSIX timestamp (naive times read as UTC), nan where unknown."""
    out = np.full(len(posts), np.nan)
    for i, p in enumerate(posts):
        try:
            when = datetime.fromisoformat(p.posted_at) if p.posted_at else None
        except ValueError:
            when = None
        if when is not None:
            out[i] = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    return out


def _splits(history: History, table: TermTable, accounts, platform, source: str, scheme: str, notes: list):
    """(post index, the posts it is predicted from, the platform's level) for each post backtested.

    Leave-one-out: every other post of the account. Rolling origin: the account's posts strictly before
    it (by posting time, else the file's order), at least MIN_BEFORE of them; a file of many accounts
    then takes the platform's level from the other accounts' posts before it too."""
    creators = np.array([p.creator for p in history.posts])
    multi = len(set(creators)) > 1
    times = _post_times(history.posts)
    dated = bool(np.isfinite(times).all())
    order = times if dated else np.arange(len(times), dtype=np.float64)
    if scheme == "rolling" and not dated:
        notes.append("Some posts have no posting time: the rolling origin follows the file's order.")
    pools: dict = {}
    for creator in accounts:
        mine = creators == creator
        for i in np.flatnonzero(mine):
            if scheme == "loo":
                train = mine.copy()
                train[i] = False
                pool = ~mine
            else:
                train = mine & (order < order[i])
                if train.sum() < MIN_BEFORE:
                    continue
                pool = ~mine & (order < order[i]) if dated else ~mine
            if platform is not None:
                base = platform
            elif not multi:
                base = _pool_platform(table, train, source)
            else:  # the same pool for an account's posts of one time (all of them, leaving one out)
                key = (creator, order[i] if scheme == "rolling" and dated else None)
                if key not in pools:
                    pools[key] = _pool_platform(table, pool, source)
                base = pools[key]
            yield i, train, base


SCHEMES = {
    "loo": "leave-one-out within each account of {n}+ posts",
    "rolling": "rolling origin within each account of {n}+ posts: each post predicted from the account's "
    "posts before it only (at least {before})",
}


def run_backtest(
    history: History,
    *,
    platform: Platform | None = None,
    name: str = "",
    scheme: str = "loo",
    content: list | None = None,
) -> dict:
    """The backtest's figures (module doc) as one JSON-ready dict; `scheme` "loo" (leave-one-out) or
    "rolling" (rolling origin: each post from the posts before it). With `content` (per post, its
    content's ItemEffects or None: simulator.track_record.content) both models predict each post with
    its content's effects and the fit takes the others' out first."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    creators = np.array([p.creator for p in history.posts])
    names, counts = np.unique(creators, return_counts=True)
    accounts = [c for c, n in zip(names, counts, strict=True) if n >= MIN_POSTS]
    if not accounts:
        raise ValueError(f"the backtest needs an account with at least {MIN_POSTS} posts")
    multi = len(names) > 1
    source = (
        platform.source
        if platform
        else "the median post of the file's other accounts"
        + (" posted before it" if scheme == "rolling" else "")
        if multi
        else "the median of the other posts"
        if scheme == "loo"
        else "the median of the posts before it"
    )
    table = TermTable(history.posts, content)
    rows: dict[tuple[str, str], list] = defaultdict(list)  # (metric, horizon) -> per post predictions
    updates: dict[tuple[str, str], list] = defaultdict(list)
    points = []
    notes = list(history.notes)
    backtested = 0
    for i, others, base in _splits(history, table, accounts, platform, source, scheme, notes):
        backtested += 1
        fit = fit_account([], base, table=table, mask=others)
        post = history.posts[i]
        creator = post.creator
        for metric in LEVELS:
            known = post.horizons(metric)
            if not known:
                continue
            explained = float(table.content[metric][i])
            calibrated = forecast(fit, metric, content=explained)
            uncalibrated = forecast(fit, metric, calibrated=False, content=explained)
            for horizon in known:
                actual = post.counts[horizon][metric]
                theirs = table.counts[metric][others, HORIZON_INDEX[horizon]]
                theirs = theirs[np.isfinite(theirs)]
                row = {"actual": actual}
                if calibrated:
                    row["calibrated"] = calibrated.at(horizon)
                if uncalibrated:
                    row["platform"] = uncalibrated.at(horizon)
                if len(theirs):
                    row["creator_median"] = (
                        float(np.median(theirs)),
                        float(np.quantile(theirs, 0.05)),
                        float(np.quantile(theirs, 0.95)),
                    )
                rows[(metric, horizon)].append(row)
                if len(points) < MAX_POINTS and "calibrated" in row:
                    points.append(
                        {
                            "post_id": post.post_id,
                            "creator": str(creator),
                            "metric": metric,
                            "horizon": horizon,
                            "actual": actual,
                            **_point(row),
                        }
                    )
            if calibrated:
                _live_rows(updates, post, metric, calibrated)
    return {
        "protocol": "backtest",
        "file": name,
        "layout": history.layout,
        "posts": len(history.posts),
        "accounts": len(accounts),
        "posts_backtested": backtested,
        "scheme": SCHEMES[scheme].format(n=MIN_POSTS, before=MIN_BEFORE),
        "scheme_key": scheme,
        "content_posts": int(table.has_content.sum()),
        "platform": source,
        "method": AccountFit.method,
        "live_update_method": LIVE_METHOD,
        "horizons": _summarise(rows),
        "live_update": _summarise_updates(updates),
        "points": points,
        "notes": notes,
        "published": {"SEISMIC": SEISMIC},
    }


def _point(row: dict) -> dict:
    out = {}
    for model in ("calibrated", "platform", "creator_median"):
        if model in row:
            mid, lo, hi = row[model]
            out[model] = round(mid, 3)
            if model == "calibrated":
                out["lo"], out["hi"] = round(lo, 3), round(hi, 3)
    return out


def _live_rows(updates, post: PastPost, metric: str, before: Forecast) -> None:
    """The latest count predicted (the week, or the latest day from 3 on) after conditioning on each
    earlier count the post has."""
    target, truth = post.latest(metric)
    if HORIZON_HOURS[target] < MIN_TARGET_H:
        return
    for horizon in UPDATE_FROM:
        early = post.count(metric, horizon)
        if early is None or HORIZON_HOURS[horizon] >= HORIZON_HOURS[target]:
            continue
        after = live_update(before, horizon=horizon, count=early)
        share_mean, _ = before.log_share(horizon)
        target_share, _ = before.log_share(target)
        curve = early * math.exp(target_share - share_mean)  # the early count scaled by the curve alone
        updates[(metric, horizon)].append(
            {
                "actual": truth,
                "target": target,
                "before": before.at(target),
                "updated": after.at(target),
                "curve_only": (curve, curve, curve),
            }
        )


def _summarise(rows) -> dict:
    out: dict = {}
    for (metric, horizon), items in sorted(rows.items(), key=lambda kv: (kv[0][0], HORIZON_HOURS[kv[0][1]])):
        entry = {"n": len(items)}
        for model in ("calibrated", "platform", "creator_median"):
            have = [r for r in items if model in r]
            if have:
                entry[model] = scores(
                    *zip(*[r[model] for r in have], strict=True), [r["actual"] for r in have]
                )
        out.setdefault(metric, {})[horizon] = entry
    return out


def _summarise_updates(updates) -> dict:
    out: dict = {}
    for (metric, horizon), items in sorted(
        updates.items(), key=lambda kv: (kv[0][0], HORIZON_HOURS[kv[0][1]])
    ):
        actual = [r["actual"] for r in items]
        entry = {"n": len(items), "to": sorted({r["target"] for r in items}, key=HORIZON_HOURS.get)}
        for model in ("updated", "before", "curve_only"):
            entry[model] = scores(*zip(*[r[model] for r in items], strict=True), actual)
        width = [
            math.log(r["updated"][2] / r["updated"][1]) / math.log(r["before"][2] / r["before"][1])
            for r in items
            if r["before"][2] > r["before"][1] > 0 and r["updated"][1] > 0
        ]
        entry["band_width_ratio"] = float(np.median(width)) if width else None
        out.setdefault(metric, {})[horizon] = entry
    return out
