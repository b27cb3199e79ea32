"""The spreads the account fit shrinks with, fitted from real data into simulator/data/account_priors.json.

    python -m simulator.track_record.priors [DATA_DIR]

Across accounts (between_sd) and post to post within one (within_sd), on the log scale, by the method
of moments over the channels of the 2017 YouTube trending file with at least MIN_POSTS videos: the
within spread is the mean of the channels' sample variances; the between spread is the variance of
the channel means less the part the within spread explains (var(means) - mean(within / n)). Each
video counts at its last day on the list within a week. The timing stretch and the share of the week
reached by each early horizon come from the Twitter15 cascades (>= 20 reshares). Offsets the data
cannot measure (shares, follows, impressions, view odds) are marked as priors.
"""

import hashlib
import json
import math
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from simulator.timing import MIN_CASCADE
from simulator.track_record.calibration import PRIORS_PATH, post_stretch, share_at
from simulator.track_record.history import read_history

MIN_POSTS = 3
TRENDING = "youtube_trending_us_2017.csv"
CASCADES = "twitter15_cascade_curves.csv"


def _moments(groups: list[np.ndarray]) -> tuple[float, float]:
    """(within_sd, between_sd) of per-group samples by the method of moments."""
    groups = [g for g in groups if len(g) >= MIN_POSTS]
    within = float(np.mean([g.var(ddof=1) for g in groups]))
    means = np.array([g.mean() for g in groups])
    between = float(means.var(ddof=1) - np.mean([within / len(g) for g in groups]))
    return math.sqrt(within), math.sqrt(max(between, 0.01))


def fit_priors(data_dir: Path) -> dict:
    trending = read_history((data_dir / TRENDING).read_text(encoding="utf-8"))
    by_channel: dict[str, list] = defaultdict(list)
    for post in trending.posts:
        by_channel[post.creator].append(post)
    values: dict[str, list[np.ndarray]] = defaultdict(list)
    for posts in by_channel.values():
        latest = [{m: p.latest(m)[1] for m in ("views", "likes", "comments")} for p in posts]
        for metric in ("views", "likes", "comments"):
            values[f"level:{metric}"].append(np.log(np.array([x[metric] for x in latest]) + 0.5))
        for metric, name in (("likes", "like"), ("comments", "comment")):
            values[name].append(
                np.log(
                    (np.array([x[metric] for x in latest]) + 0.5)
                    / (np.array([x["views"] for x in latest]) + 0.5)
                )
            )
    offsets = {}
    source = f"method of moments across the channels of {TRENDING} with >= {MIN_POSTS} videos"
    for name, groups in values.items():
        within, between = _moments(groups)
        offsets[name] = {"within_sd": round(within, 4), "between_sd": round(between, 4), "source": source}
    offsets["reach"] = dict(
        offsets["level:views"], source=source + " (log week views; account size included, so wide)"
    )
    like = offsets["like"]
    for name in ("share", "follow"):
        offsets[name] = dict(
            like, source="prior: no per-post share or follow counts in the data; set as likes"
        )
    for name in ("level:shares", "level:follows", "level:impressions"):
        offsets[name] = dict(offsets["level:views"], source="prior: set as the views level")
    offsets["view"] = {
        "within_sd": 0.5,
        "between_sd": 0.5,
        "source": "prior: no impressions per post in the data",
    }

    cascades = read_history((data_dir / CASCADES).read_text(encoding="utf-8"))
    big = [p for p in cascades.posts if (p.count("shares", "1w") or 0) >= MIN_CASCADE]
    stretches = np.log([s for p in big if (s := post_stretch(p, "shares")) is not None])
    offsets["timing"] = {
        "within_sd": round(float(stretches.std(ddof=1)), 4),
        "between_sd": 0.5,
        "source": f"within: sd of the log stretch fitted per {CASCADES} cascade (>= {MIN_CASCADE} reshares, "
        f"{len(stretches)}); between: prior",
    }
    shares = {}
    for horizon in ("1h", "6h", "12h", "24h", "2d"):
        logs = np.log(
            np.array(
                [
                    p.count("shares", horizon) / p.count("shares", "1w")
                    for p in big
                    if p.count("shares", horizon)
                ]
            )
        )
        shares[horizon] = {
            "mean_log_residual": round(float(logs.mean() - math.log(float(share_at(_hours(horizon))))), 4),
            "sd": round(float(logs.std(ddof=1)), 4),
            "cascades": int(len(logs)),
        }
    return {
        "about": "Spreads of the account fit (simulator/track_record/calibration.py), log scale.",
        "generated_by": "python -m simulator.track_record.priors",
        "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "data": {n: hashlib.sha256((data_dir / n).read_bytes()).hexdigest() for n in (TRENDING, CASCADES)},
        "channels": sum(1 for g in by_channel.values() if len(g) >= MIN_POSTS),
        "offsets": offsets,
        "early_share": shares,
    }


def _hours(horizon: str) -> float:
    from simulator.track_record.history import HORIZON_HOURS

    return HORIZON_HOURS[horizon]


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "data"
    priors = fit_priors(data_dir)
    PRIORS_PATH.write_text(json.dumps(priors, indent=1) + "\n")
    print(f"wrote {PRIORS_PATH}: {priors['channels']} channels")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
