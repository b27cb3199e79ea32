"""The fitted parameters' uncertainty: each fit redone on bootstrap resamples of its data.

    python -m simulator fit --only uncertainty

YouTube snapshots are resampled by video (a video's daily snapshots move together), the KuaiRand plays
and the Twitter15 cascades row by row. The like and comment rates are calibrated through the brain
(simulator.fitting.engagement); refitting that per resample would take hours, so their replicates
scale the calibrated rate by the resample's median ratio over the full data's. The freshness kernel
(tau, alpha) is refitted on each resample's median shares; its factors apply to the values refitted
through the world. Every replicate is stored as a factor of the fitted value, beside the value, with
the priors' ranges (simulator.brains.persona_priors.PRIOR_RANGES), which simulator.uncertainty draws.
"""

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from simulator.brains.persona_params import DEFAULT_PATH, PersonaParams, _load_cached
from simulator.brains.persona_priors import PRIOR_RANGES, kuairand_rates, read_rows, youtube_rates
from simulator.datasets.cascades import TWITTER15_FILE
from simulator.datasets.kuairand import KUAIRAND_FILE
from simulator.datasets.youtube import YOUTUBE_FILE
from simulator.timing import PARAMS_PATH, fit_median_shares, real_curve_shares, world_params

REPLICATES = 50
CALIBRATED = ("like_rate", "comment_rate")  # fitted through the brain: scaled by the raw median's ratio
SOURCE = (
    f"{REPLICATES} bootstrap replicates of the fit, as factors of the value (python -m simulator fit "
    "--only uncertainty: YouTube resampled by video, KuaiRand by play, Twitter15 by cascade)"
)


def _factors(replicates: list[dict[str, float]], point: dict[str, float]) -> dict[str, list[float]]:
    return {
        name: [round(r[name] / point[name], 6) if point[name] else 1.0 for r in replicates] for name in point
    }


def persona_bootstrap(seed: int = 0, replicates: int = REPLICATES) -> dict[str, list[float]]:
    """name -> factors of the fitted value, for every persona parameter fitted to data."""
    rng = np.random.default_rng([seed, 0xB007])
    by_video: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_rows(YOUTUBE_FILE):
        by_video[row["video_id"]].append(row)
    videos = list(by_video.values())
    plays = read_rows(KUAIRAND_FILE)
    point = youtube_rates(YOUTUBE_FILE) | kuairand_rates(KUAIRAND_FILE)
    out = []
    for _ in range(replicates):
        picked = rng.integers(0, len(videos), len(videos))
        yt = youtube_rates([row for i in picked for row in videos[i]])
        kr = kuairand_rates([plays[i] for i in rng.integers(0, len(plays), len(plays))])
        out.append(yt | kr)
    return _factors(out, point)


def freshness_bootstrap(seed: int = 0, replicates: int = REPLICATES) -> dict[str, list[float]]:
    """tau_h, alpha -> factors, from the kernel refitted on resampled cascades."""
    rng = np.random.default_rng([seed, 0xF7E5])
    shares = real_curve_shares(TWITTER15_FILE)
    tau, alpha = fit_median_shares(np.median(shares, axis=0))
    out = []
    for _ in range(replicates):
        resample = shares[rng.integers(0, len(shares), len(shares))]
        t, a = fit_median_shares(np.median(resample, axis=0))
        out.append({"tau_h": t, "alpha": a})
    return _factors(out, {"tau_h": tau, "alpha": alpha})


def write_uncertainty(
    seed: int = 0, persona_path: Path = DEFAULT_PATH, world_path: Path = PARAMS_PATH
) -> dict:
    """Store the bootstrap factors beside the fitted values and the ranges beside the priors."""
    from simulator.uncertainty import _entries

    persona = persona_bootstrap(seed)
    data = json.loads(Path(persona_path).read_text())
    for name, entry in data["params"].items():
        entry.pop("bootstrap", None)
        if name in persona:
            entry["bootstrap"] = persona[name]
            entry["bootstrap_source"] = SOURCE + (
                "; calibrated through the brain, so scaled by the resample's median ratio"
                if name in CALIBRATED
                else ""
            )
        elif name in PRIOR_RANGES:
            lo, hi, why = PRIOR_RANGES[name]
            entry["range"], entry["range_source"] = [lo, hi], why
    PersonaParams.from_dict(data)
    Path(persona_path).write_text(json.dumps(data, indent=1) + "\n")
    _load_cached.cache_clear()
    fresh = freshness_bootstrap(seed)
    world = json.loads(Path(world_path).read_text())
    world["freshness"]["bootstrap"] = fresh
    world["freshness"]["bootstrap_source"] = SOURCE
    Path(world_path).write_text(json.dumps(world, indent=1) + "\n")
    world_params.cache_clear()
    _entries.cache_clear()
    spread = {
        k: [round(float(np.percentile(v, 5)), 3), round(float(np.percentile(v, 95)), 3)]
        for k, v in (persona | fresh).items()
    }
    return {"replicates": REPLICATES, "seed": seed, "factor_5_95": spread}
