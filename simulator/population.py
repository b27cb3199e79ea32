"""A sample population for the command line, the environment and tests, reproducible from a seed.

Demographics, interests and activity are the general audience of `simulator.audiences` (platform
marginals with their sources); engagement habits are drawn from the persona parameters, so they
carry the real rates: like and comment rates spread log-normally as the YouTube likes/views and
comments/views ratios are, watch habits around KuaiRand's.
"""

import numpy as np

from simulator.audiences import AudienceSpec, build_population
from simulator.brains.persona_params import PersonaParams
from simulator.types import Behaviour, Persona


def sample_population(
    n: int, seed: int, *, params: PersonaParams | None = None, first_id: int = 1
) -> list[Persona]:
    """`n` personas, the same for the same (n, seed, params)."""
    if n < 1:
        raise ValueError("a population needs at least one user")
    params = params or PersonaParams.load()
    population = build_population(AudienceSpec(kind="general", size=n), seed)
    rng = np.random.default_rng([seed, 0x5E55])
    people = []
    for i in range(n):
        persona = population.persona(i)
        persona.id = first_id + i
        b = persona.behaviour
        persona.behaviour = Behaviour(
            sessions_per_day=round(b.sessions_per_day, 2),
            session_minutes=round(b.session_minutes, 2),
            like_rate=_rate(rng, params.like_rate, params.like_rate_log_sd),
            comment_rate=_rate(rng, params.comment_rate, params.comment_rate_log_sd),
            share_rate=_rate(rng, params.share_rate, params.comment_rate_log_sd),
            follow_rate=_rate(rng, params.follow_rate, params.comment_rate_log_sd),
            preferred_video_s=round(float(rng.lognormal(np.log(params.preferred_s), 0.6)), 1),
            watch_ratio=round(float(np.clip(rng.lognormal(np.log(params.watch_ratio), 0.3), 0.1, 0.95)), 3),
            novelty_seeking=round(b.novelty_seeking, 3),
        )
        persona.interest_text = "likes " + ", ".join(
            sorted(persona.interests, key=persona.interests.get, reverse=True)
        )
        people.append(persona)
    return people


def _rate(rng: np.random.Generator, median: float, log_sd: float) -> float:
    return round(float(min(rng.lognormal(np.log(median), log_sd), 0.5)), 6)
