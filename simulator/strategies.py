"""Posting strategies (schedules of several posts) and A/B variants, compared with common random numbers.

A schedule places posts at local times of the audience's main time zone. Seeing a creator often
builds fatigue: the world keeps a decayed count of the creator's posts each user has seen (half-life
in simulator/data/world_params.json), which the persona brain turns into fewer views and more "show
less" (and, for followers, unfollows). Strategies and variants run on the same audience with the same
seeds: every draw is keyed by (seed, rerun, user, post index, step), so two variants differ only
where their items make the users decide differently.
"""

from dataclasses import dataclass, replace

import numpy as np

from simulator.audiences import AudienceSpec, build_population
from simulator.bands import interval
from simulator.serial import JsonRecord
from simulator.text.summaries import strategy_sentences, variant_sentences
from simulator.types import Item
from simulator.world import HORIZON_HOURS, HORIZONS, METRICS, PostSpec, RerunResult, WorldConfig, run_world
from simulator.world.config import RECOMMENDERS


class ScheduleError(ValueError):
    """A schedule that cannot be posted: an unknown name, no items, or no post within the span."""


# name -> (days of the week, local hours of the day)
SCHEDULES: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "once": ((0,), (18.0,)),
    "daily-18h": (tuple(range(7)), (18.0,)),
    "3-a-day": (tuple(range(7)), (9.0, 13.0, 19.0)),
    "2-a-week": ((0, 3), (18.0,)),
}


def schedule(
    name: str, items: list[Item], horizon_hours: float = 168.0, *, utc_offset_h: float = 0.0
) -> list[PostSpec]:
    """Posts of a named schedule within [0, horizon_hours), cycling through the items.

    Local hours are in the time zone utc_offset_h; each post gets its own item id (`<id>#<n>`).
    """
    if name not in SCHEDULES:
        raise ScheduleError(f"schedule '{name}' is not one of {', '.join(SCHEDULES)}")
    if not items:
        raise ScheduleError("a schedule needs at least one item")
    days, hours = SCHEDULES[name]
    times = sorted(day * 24.0 + (hour - utc_offset_h) % 24.0 for day in days for hour in hours)
    times = [t for t in times if t < horizon_hours]
    return [
        PostSpec(item=replace(items[k % len(items)], id=f"{items[k % len(items)].id}#{k + 1}"), at_hours=t)
        for k, t in enumerate(times)
    ]


def audience_utc_offset(spec: AudienceSpec, seed: int) -> float:
    """The audience's main time zone: the weighted median UTC offset of its users."""
    pop = build_population(spec, seed)
    order = np.argsort(pop.utc_offset_h, kind="stable")
    cum = np.cumsum(pop.weight[order])
    return float(pop.utc_offset_h[order][np.searchsorted(cum, cum[-1] / 2)])


def _horizon_index(hours: float) -> int:
    return max(i for i, h in enumerate(HORIZON_HOURS) if h <= max(hours, HORIZON_HOURS[0]))


def strategy_figures(result: RerunResult, post_horizon_hours: float) -> dict[str, float]:
    """One rerun of a strategy: reach, per-post engagement, fatigue signals, net followers (real scale)."""
    h = _horizon_index(post_horizon_hours)
    per_post = np.stack([result.metric_array(post=k)[:, h, 0] for k in range(len(result.posts))])  # [P, M]
    col = {m: per_post[:, i] for i, m in enumerate(METRICS)}
    impressions = col["impressions"].sum()
    views = col["views"].sum()
    engaged = (col["likes"] + col["comments"] + col["shares"]).sum()
    return {
        "posts": float(len(result.posts)),
        "reach": result.real(result.reached),
        "views_per_post": float(col["views"].mean()),
        "engagements_per_post": float(engaged / len(result.posts)),
        "view_rate": float(views / impressions) if impressions else 0.0,
        "engagement_rate": float(engaged / views) if views else 0.0,
        "show_less_per_1k_impressions": float(1000 * col["show_less"].sum() / impressions)
        if impressions
        else 0.0,
        "unfollows": float(col["unfollows"].sum()),
        "creator_fatigue_per_impression": result.counted("creator_fatigue_x100", horizon=HORIZONS[h])
        / 100.0
        / max(result.counted("impressions", horizon=HORIZONS[h]), 1),
        "net_followers": result.real(result.followers_end) - result.real(result.followers_start),
    }


@dataclass
class Comparison(JsonRecord):
    """Rows (strategies or variants) x figures, each as mean, lo, hi over reruns."""

    runs: int
    horizon: str
    rows: dict[str, dict[str, dict[str, float]]]
    summary: list[str]


def _rows(per_run: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, dict[str, float]]]:
    rows = {}
    for name, runs in per_run.items():
        rows[name] = {}
        for key in runs[0]:
            mean, lo, hi, sd = interval(np.array([r[key] for r in runs]))
            rows[name][key] = {"mean": float(mean), "lo": float(lo), "hi": float(hi), "sd": float(sd)}
    return rows


def compare_strategies(
    audience: AudienceSpec,
    items: list[Item],
    names: list[str],
    *,
    seed: int = 0,
    runs: int = 3,
    span_hours: float = 168.0,
    post_horizon_hours: float = 48.0,
    creator_id: str = "me",
    exposure: str = "organic",
    recommender: str = RECOMMENDERS[0],
) -> Comparison:
    """Each named schedule over span_hours on the same audience and seeds, side by side. Every name
    is checked before anything runs (ScheduleError)."""
    offset = audience_utc_offset(audience, seed)
    configs = {}
    for name in names:
        posts = schedule(name, items, span_hours, utc_offset_h=offset)
        if not posts:
            raise ScheduleError(f"schedule '{name}' puts no post within {span_hours:g} hours")
        configs[name] = WorldConfig(
            audience=audience,
            posts=posts,
            horizon_hours=post_horizon_hours,
            seed=seed,
            creator_id=creator_id,
            exposure=exposure,
            recommender=recommender,
        )
    per_run = {
        name: [strategy_figures(run_world(config, rerun=r), post_horizon_hours) for r in range(runs)]
        for name, config in configs.items()
    }
    rows = _rows(per_run)
    return Comparison(
        runs=runs,
        horizon=HORIZONS[_horizon_index(post_horizon_hours)],
        rows=rows,
        summary=strategy_sentences(rows),
    )


def compare_variants(
    audience: AudienceSpec,
    variants: dict[str, Item],
    *,
    seed: int = 0,
    runs: int = 3,
    at_hours: float = 18.0,
    horizon_hours: float = 168.0,
    exposure: str = "organic",
    recommender: str = RECOMMENDERS[0],
) -> Comparison:
    """The same audience, seeds and posting time for each variant; the rows include each one's
    difference from the first variant per rerun (common random numbers make that difference tight)."""
    per_run: dict[str, list[dict[str, float]]] = {}
    for name, item in variants.items():
        config = WorldConfig(
            audience=audience,
            posts=[PostSpec(item=item, at_hours=at_hours)],
            horizon_hours=horizon_hours,
            seed=seed,
            exposure=exposure,
            recommender=recommender,
        )
        per_run[name] = [strategy_figures(run_world(config, rerun=r), horizon_hours) for r in range(runs)]
    base = next(iter(per_run))
    for name in list(per_run)[1:]:
        per_run[f"{name} - {base}"] = [
            {k: b[k] - a[k] for k in a} for a, b in zip(per_run[base], per_run[name], strict=True)
        ]
    rows = _rows(per_run)
    return Comparison(
        runs=runs,
        horizon=HORIZONS[_horizon_index(horizon_hours)],
        rows=rows,
        summary=variant_sentences(rows, list(variants)),
    )
