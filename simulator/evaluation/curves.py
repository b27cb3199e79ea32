"""Reaction curves against real cascades, and rerun-to-rerun variability.

For a spread of real cascades (every size band of the file), the world runs a creator's followers as
many as the cascade's one-week count (at least MIN_AUDIENCE, so a curve has views to measure); a real
catalogue video is posted at a random hour and its views are followed for a week. The simulated share
of the one-week count reached at 1 h, 6 h, 12 h, 1 d and 2 d is set beside the real cascades' share:
median and interquartile range per horizon, and the normalised RMSE that OASIS reports for its
cascades (Yang et al., "OASIS: Open Agent Social Interaction Simulations with One Million Agents",
2024), here the RMSE between a cascade's simulated and real share curves over the five horizons
divided by the range of the real curve, summarised over cascades.
"""

import dataclasses

import numpy as np

from simulator.datasets.cascades import HORIZON_HOURS, HORIZON_NAMES, load_cascades
from simulator.evaluation.metrics import nrmse, quartiles
from simulator.types import Engagement

WEEK_H = 168
MIN_AUDIENCE = 1000  # smaller audiences give too few views for a share curve
CV_AUDIENCE = 10_000


def _world_curve(size: int, seed: int, rerun: int, video_index: int, post_hour: float) -> np.ndarray:
    """Cumulative hourly views of one real video posted to its creator's followers, over a week."""
    from simulator.audiences import AudienceSpec
    from simulator.catalogue import load_catalogue
    from simulator.world import PostSpec, WorldConfig, run_world

    items = load_catalogue()
    item = dataclasses.replace(items[video_index % len(items)], creator_id="me", engagement=Engagement())
    niche = max(item.topics, key=item.topics.get)
    config = WorldConfig(
        audience=AudienceSpec(kind="followers", size=size, profile={"niche": niche, "follower_count": size}),
        posts=[PostSpec(item=item, at_hours=post_hour)],
        horizon_hours=float(WEEK_H),
        seed=seed,
    )
    return run_world(config, rerun=rerun).curve("views", real_scale=False)


def _shares(curve: np.ndarray) -> np.ndarray | None:
    week = curve[WEEK_H - 1]
    if week <= 0:
        return None
    return np.array([curve[int(h) - 1] for h in HORIZON_HOURS]) / week


def pick_cascades(week_counts: np.ndarray, sample: int) -> np.ndarray:
    """Indices of `sample` cascades at evenly spaced quantiles of the one-week size."""
    order = np.argsort(week_counts, kind="stable")
    picks = np.linspace(0, len(order) - 1, min(sample, len(order))).round().astype(int)
    return order[np.unique(picks)]


def evaluate_curves(path: str, *, sample: int, runs: int, brain: str = "persona", seed: int = 0) -> dict:
    if brain != "persona":
        raise ValueError("the world runs the persona brain; curves take --brain persona")
    if sample < 1 or runs < 2:
        raise ValueError("--sample must be at least 1 and --runs at least 2")
    cascades = load_cascades(path)
    real = cascades.shares()
    rng = np.random.default_rng(seed)
    picked = pick_cascades(cascades.week, sample)
    sim_rows, real_rows, errors = [], [], []
    for k in picked:
        size = max(int(cascades.week[k]), MIN_AUDIENCE)
        video, hour = int(rng.integers(1 << 30)), float(rng.uniform(0, 24))
        shares = _shares(_world_curve(size, seed + int(k), 0, video, hour))
        if shares is None:
            continue
        sim_rows.append(shares)
        real_rows.append(real[k])
        errors.append(nrmse(shares, real[k]))
    if not sim_rows:
        raise ValueError("no simulated cascade drew a single view")
    simulated = np.array(sim_rows)
    horizons = {}
    for j, name in enumerate(HORIZON_NAMES):
        sim_q, real_q = quartiles(simulated[:, j]), quartiles(real[:, j])
        horizons[name] = {
            "simulated": sim_q,
            "real": real_q,
            "difference": round(sim_q["median"] - real_q["median"], 4),
        }
    sim_median = np.array([horizons[h]["simulated"]["median"] for h in HORIZON_NAMES])
    real_median = np.array([horizons[h]["real"]["median"] for h in HORIZON_NAMES])
    return {
        "protocol": "cascade-curves",
        "cascades_file": str(path),
        "real_cascades": len(cascades),
        "simulated_cascades": len(sim_rows),
        "seed": seed,
        "metric": "views of a real catalogue video posted to its creator's followers, as many as the cascade",
        "horizons": horizons,
        "nrmse": {
            "per_cascade": quartiles(np.array(errors)),
            "median_curves": round(nrmse(sim_median, real_median), 4),
        },
        "rerun_cv_24h_views": rerun_cv(runs=runs, seed=seed),
        "published": {"OASIS (Yang et al. 2024), Twitter15/16 cascades": {"nrmse": "< 0.2"}},
    }


def rerun_cv(*, runs: int, seed: int, size: int = CV_AUDIENCE) -> dict:
    """Coefficient of variation of 24 h views over `runs` reruns of one audience and one video."""
    views = np.array([_world_curve(size, seed, r, 0, 18.0)[23] for r in range(runs)])
    mean = float(views.mean())
    return {
        "audience": size,
        "runs": runs,
        "mean_24h_views": round(mean, 1),
        "sd": round(float(views.std(ddof=1)), 2),
        "cv": round(float(views.std(ddof=1)) / mean, 4) if mean else None,
    }
