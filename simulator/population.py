"""A sample population for the command line, the environment and tests, reproducible from a seed.

Behaviour comes from the persona parameters (per-user like and comment rates spread log-normally as
the YouTube ratios are; watch habits around KuaiRand's); interests are 2-4 topics drawn in
proportion to how much of the catalogue each topic holds, so the catalogue can serve every user.
Demographics are drawn evenly over the taxonomy's bands: real audiences, with platform marginals
and social graphs, are the world's (simulator.audiences).
"""

import numpy as np

from simulator.brains.persona_params import PersonaParams
from simulator.taxonomy import AGE_BANDS, COUNTRY_UTC_OFFSET, GENDERS, TOPICS
from simulator.types import Behaviour, Demographics, Item, Persona

_SAMPLE_COUNTRIES = ("US", "CA", "GB", "AU", "IN", "DE", "BR", "PH")


def topic_shares(items: list[Item]) -> np.ndarray:
    """How much of the catalogue each topic holds (a row over TOPICS, summing to 1)."""
    index = {t: i for i, t in enumerate(TOPICS)}
    mass = np.zeros(len(TOPICS))
    for it in items:
        for topic, w in it.topics.items():
            if topic in index:
                mass[index[topic]] += w
    return mass / mass.sum() if mass.sum() > 0 else np.full(len(TOPICS), 1.0 / len(TOPICS))


def sample_population(
    n: int,
    seed: int,
    *,
    items: list[Item] | None = None,
    params: PersonaParams | None = None,
    first_id: int = 1,
) -> list[Persona]:
    """`n` personas, the same for the same (n, seed, items, params)."""
    if n < 0:
        raise ValueError("population size must be >= 0")
    params = params or PersonaParams.load()
    rng = np.random.default_rng(seed)
    shares = topic_shares(items) if items else np.full(len(TOPICS), 1.0 / len(TOPICS))
    people = []
    for k in range(n):
        count = int(rng.integers(2, 5))
        chosen = rng.choice(len(TOPICS), size=count, replace=False, p=shares)
        weights = rng.dirichlet(np.full(count, 1.5))
        interests = {TOPICS[t]: round(float(w), 4) for t, w in zip(chosen, weights, strict=True)}
        country = str(rng.choice(_SAMPLE_COUNTRIES))
        behaviour = Behaviour(
            sessions_per_day=round(float(rng.lognormal(np.log(3.0), 0.5)), 2),
            session_minutes=round(float(rng.lognormal(np.log(12.0), 0.5)), 2),
            like_rate=_rate(rng, params.like_rate, params.like_rate_log_sd),
            comment_rate=_rate(rng, params.comment_rate, params.comment_rate_log_sd),
            share_rate=_rate(rng, params.share_rate, params.comment_rate_log_sd),
            follow_rate=_rate(rng, params.follow_rate, params.comment_rate_log_sd),
            preferred_video_s=round(float(rng.lognormal(np.log(params.preferred_s), 0.6)), 1),
            watch_ratio=round(float(np.clip(rng.lognormal(np.log(params.watch_ratio), 0.3), 0.1, 0.95)), 3),
            novelty_seeking=round(float(rng.beta(2.0, 2.0)), 3),
        )
        people.append(
            Persona(
                id=first_id + k,
                demographics=Demographics(
                    age_band=str(rng.choice(AGE_BANDS)),
                    gender=str(rng.choice(GENDERS, p=(0.49, 0.49, 0.02))),
                    country=country,
                    utc_offset_h=COUNTRY_UTC_OFFSET[country],
                ),
                interests=interests,
                behaviour=behaviour,
                interest_text="likes " + ", ".join(sorted(interests, key=interests.get, reverse=True)),
            )
        )
    return people


def _rate(rng: np.random.Generator, median: float, log_sd: float) -> float:
    return round(float(min(rng.lognormal(np.log(median), log_sd), 0.5)), 6)
