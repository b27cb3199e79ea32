"""Fit the instruction follower's weight of the words on MovieLens 100k users 1-600.

The re-ordering protocol (simulator.evaluation.reorder) runs on the fit users once per grid value of
INSTRUCTION_WEIGHT; the weight with the best mean NDCG@10 of the final lists wins (ties to the smaller:
the words must earn their weight). The fit users' held-out films are kept out of the co-rating model, as
in the taste fit, and users 601-943, whom the protocol reports on, are never read.
"""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from simulator.datasets.movielens import FIT_USERS, load_movielens, ml100k_dir
from simulator.evaluation.reorder import evaluate_reorder
from simulator.fitting.params_file import read_fit
from simulator.recommenders.instruction_following import PARAMS_PATH

WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
RATIO = 9  # never-rated films per held-out liked film, as the protocol's default
METRIC = "ndcg@10"


def fit_follower(
    *,
    seed: int = 0,
    users: range = FIT_USERS,
    grid: tuple[float, ...] = WEIGHT_GRID,
    command: str = "python -m simulator fit --only follower",
    path: Path = PARAMS_PATH,
) -> dict:
    """Run the protocol per weight, write the best to `path` with its source; returns the fit."""
    if not set(users) <= set(FIT_USERS):
        raise ValueError("the follower is fitted on MovieLens users 1-600 only: 601-943 are held out")
    ml, taste = load_movielens(), read_fit()["taste_ml100k"]
    scores, result = {}, None
    for weight in sorted(grid):
        result = evaluate_reorder(
            ml,
            list(users),
            ratio=RATIO,
            brain="persona",
            taste_fit=taste,
            seed=seed,
            instruction_weight=weight,
            vague_arm=False,
        )
        scores[str(weight)] = {k: result["final"][k] for k in (METRIC, "recall@10")}
    best = max(sorted(grid), key=lambda w: scores[str(w)][METRIC])  # max keeps the first (smallest) of ties
    first, last = users.start, users.stop - 1
    fit = {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "protocol": f"evaluate reorder --users {first}-{last} --ratio {RATIO} --seed {seed}, per weight",
        "users": [first, last],
        "cases": result["users"],
        "seed": seed,
        "metric": f"mean {METRIC} of the final list (ties to the smaller weight)",
        "grid": sorted(grid),
        "scores": scores,
        # the same for every weight: what the words are weighed against
        "initial": {METRIC: result["initial"][METRIC]},
        "history_only": {METRIC: result["history_only"][METRIC]},
        "data": {"ml-100k.inter": hashlib.sha256((ml100k_dir() / "ml-100k.inter").read_bytes()).hexdigest()},
    }
    data = json.loads(path.read_text())
    data["instruction_weight"] = {
        "value": best,
        "source": f"fitted: the best mean {METRIC} of the re-ordering protocol's final lists on MovieLens "
        f"100k users {first}-{last} over the grid {sorted(grid)} ({command}, {fit['date']})",
    }
    data["fit"] = fit
    path.write_text(json.dumps(data, indent=1) + "\n")
    return fit | {"instruction_weight": best}
