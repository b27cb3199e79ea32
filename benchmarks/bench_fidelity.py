"""Fidelity protocols' cost: the taste protocol (343 held-out users, ratios 1, 2, 3, 9) and the
re-ordering protocol on MovieLens 100k with the persona brain, the co-rating model fit, and one
engagement pass (400 videos x 8,000 impressions). Medians of 3 runs after a warm-up."""

import statistics
import time

from simulator.datasets import DatasetMissing
from simulator.datasets.movielens import HELD_OUT_USERS, load_movielens


def _median_s(fn, runs: int = 3) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from simulator.evaluation.engagement import simulate_impressions
    from simulator.evaluation.reorder import evaluate_reorder
    from simulator.evaluation.taste import evaluate_taste
    from simulator.fitting.corating import CoRatingTaste
    from simulator.fitting.params_file import read_fit

    try:
        ml = load_movielens()
    except DatasetMissing as exc:
        print(f"skipped: {exc}")
        return
    fit = read_fit()["taste_ml100k"]
    users = list(HELD_OUT_USERS)
    histories = [ml.item[ml.rows_of(u)] for u in range(1, 601)]
    model_fit = _median_s(lambda: CoRatingTaste.fit(histories, 1682, 1000.0))
    print(f"co-rating model fit (600 users, 1,682 films): {model_fit:.2f} s")
    taste = _median_s(lambda: evaluate_taste(ml, users, [1, 2, 3, 9], brain="persona", taste_fit=fit))
    print(f"taste protocol, 343 users, ratios 1,2,3,9: {taste:.2f} s")
    reorder = _median_s(lambda: evaluate_reorder(ml, users, ratio=9, brain="persona", taste_fit=fit), runs=1)
    print(f"reorder protocol, 343 users, 1:9 lists: {reorder:.2f} s")
    engagement = _median_s(
        lambda: simulate_impressions(users=5000, videos=400, per_video=8000, seed=0), runs=1
    )
    print(f"engagement pass, 3.2 M impressions: {engagement:.2f} s ({3.2e6 / engagement:,.0f} decisions/s)")
