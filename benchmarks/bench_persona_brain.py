"""Persona brain speed: decisions per second for batches of 100, 10,000 and 1,000,000 impressions,
and the wall time of full multi-turn sessions: 10,000 on the array path (simulator.batch_sessions:
the engine's rows, each turn's lists ranked in batch) and 1,000 on the object path
(session.run_sessions: requests, the recommender per user, memory, rewards)."""

import statistics
import time

import numpy as np

from simulator.audiences import sample_population
from simulator.batch_sessions import run_batch_sessions
from simulator.brains.features import DecisionFeatures
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.recommenders import make_recommender
from simulator.session import run_sessions


def random_features(n: int, rng: np.random.Generator) -> DecisionFeatures:
    """A batch spread over the whole input range, as a population's feed would be."""
    return DecisionFeatures(
        interest_match=rng.random(n),
        novelty=rng.random(n),
        satiation=rng.random(n) * 0.8,
        creator_fatigue=rng.exponential(0.5, n),
        fatigue=rng.random(n),
        boredom=rng.random(n) * 0.5,
        length_s=rng.lognormal(3.8, 0.9, n),
        preferred_s=rng.lognormal(3.8, 0.5, n),
        watch_ratio=rng.uniform(0.2, 0.8, n),
        social_proof=rng.uniform(2.0, 7.5, n),
        hour_activity=rng.uniform(0.15, 1.8, n),
        like_rate=rng.lognormal(np.log(0.03), 1.0, n).clip(max=0.5),
        comment_rate=rng.lognormal(np.log(0.0036), 0.9, n).clip(max=0.2),
        share_rate=np.full(n, 0.0035),
        follow_rate=np.full(n, 0.002),
        follows_creator=rng.random(n) < 0.1,
        from_share=rng.random(n) < 0.05,
        position=rng.integers(0, 50, n),
        novelty_seeking=rng.random(n),
    )


def decisions_per_second(n: int, repeats: int) -> float:
    rng = np.random.default_rng(0)
    brain = PersonaBrain()
    features = random_features(n, rng)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        brain.decide_arrays(features, rng)
        times.append(time.perf_counter() - start)
    return n / statistics.median(times)


def main() -> None:
    for n, repeats in ((100, 2000), (10_000, 200), (1_000_000, 7)):
        rate = decisions_per_second(n, repeats)
        print(f"persona brain, batch {n:>9,}: {rate:>12,.0f} decisions/s (median)")
    seconds, _ = full_sessions_seconds(10_000, 3)
    print(
        f"10,000 full sessions (instruction_following, multi-turn, array path): {seconds:.1f} s "
        "(median of 3; aim 5)"
    )
    seconds = object_sessions_seconds(1_000, 3)
    print(
        f"1,000 full sessions (instruction_following, multi-turn, object path): {seconds:.1f} s (median of 3)"
    )


def full_sessions_seconds(users: int, repeats: int) -> tuple[float, dict[str, np.ndarray]]:
    """Wall time of `users` complete multi-turn sessions on the array path (persona brain,
    instruction-following), and the last run's per-session rewards."""
    catalogue = default_index()
    people = sample_population(users, 1)
    times, rewards = [], {}
    for r in range(repeats):
        recommender = make_recommender("instruction_following", catalogue)
        start = time.perf_counter()
        rewards = run_batch_sessions(people, recommender, PersonaBrain(), catalogue, seed=r)
        times.append(time.perf_counter() - start)
    return statistics.median(times), rewards


def object_sessions_seconds(users: int, repeats: int) -> float:
    """The same on the object path (one SessionState per user)."""
    catalogue = default_index()
    people = sample_population(users, 1)
    times = []
    for r in range(repeats):
        recommender = make_recommender("instruction_following", catalogue)
        start = time.perf_counter()
        run_sessions(people, recommender, PersonaBrain(), catalogue, seed=r)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
