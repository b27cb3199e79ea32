"""Calibrate the persona brain's like and comment rates so the simulated per-video ratios match YouTube's.

The brain's like and comment chances rise with interest match and completion, so a population whose
median rate equals YouTube's median ratio over-likes the videos it chooses to watch. The fit shifts
every user's rate by one logit offset per action until the simulated median per-video like/view and
comment/view equal the real ones (bisection; the same seed every step, so the medians move monotonically).
"""

import numpy as np

from simulator.datasets.youtube import SOURCE as YOUTUBE_SOURCE
from simulator.datasets.youtube import engagement_ratios, load_youtube
from simulator.evaluation.engagement import per_item_ratios, simulate_impressions

STEPS = 12


def _shift_rate(rate: float, shift: float) -> float:
    return float(1.0 / (1.0 + np.exp(-(np.log(rate / (1.0 - rate)) + shift))))


def fit_engagement(
    params, *, seed: int = 0, users: int = 5000, videos: int = 300, per_video: int = 6000
) -> dict:
    real = engagement_ratios(load_youtube())
    target = {
        "like": float(np.median(real.like_per_view)),
        "comment": float(np.median(real.comment_per_view)),
    }
    bounds = {"like": [-4.0, 4.0], "comment": [-4.0, 4.0]}
    simulated = {}
    for _ in range(STEPS):
        mid = {k: sum(b) / 2.0 for k, b in bounds.items()}
        imp = simulate_impressions(
            users=users,
            videos=videos,
            per_video=per_video,
            seed=seed,
            params=params,
            like_shift=mid["like"],
            comment_shift=mid["comment"],
        )
        like, comment = per_item_ratios(imp, min_views=1)
        simulated = {"like": float(np.median(like)), "comment": float(np.median(comment))}
        for k in bounds:
            bounds[k][0 if simulated[k] < target[k] else 1] = mid[k]
    shift = {k: sum(b) / 2.0 for k, b in bounds.items()}
    return {
        "like_rate": _shift_rate(params.like_rate, shift["like"]),
        "comment_rate": _shift_rate(params.comment_rate, shift["comment"]),
        "logit_shift": {k: round(v, 4) for k, v in shift.items()},
        "target_median": {k: round(v, 6) for k, v in target.items()},
        "simulated_median": {k: round(v, 6) for k, v in simulated.items()},
        "population": users,
        "videos": videos,
        "impressions_per_video": per_video,
        "seed": seed,
        "source": YOUTUBE_SOURCE,
    }
