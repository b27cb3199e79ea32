"""Audiences (followers, a general sample, a demographic slice) turned into populations of users.

What an audience is and its checks (spec), the population as a struct of arrays (population), and
how its users are drawn, reproducibly from (spec, seed) and chunk by chunk (draw), and a general
sample as personas for sessions, the environment and tests (personas).
"""

from simulator.audiences.draw import (
    build_population,
    describe_population,
    platform_marginals,
    population_chunks,
    population_tastes,
    population_weights,
    with_habits,
)
from simulator.audiences.personas import sample_population
from simulator.audiences.population import Population
from simulator.audiences.spec import (
    ACTIVITY_LEVELS,
    CHOICES,
    FOLLOWER_CSV_COLUMNS,
    FOLLOWER_SHARE,
    KINDS,
    MAX_FOLLOWER_COUNT,
    AudienceSpec,
    parse_follower_csv,
)

__all__ = [
    "sample_population",
    "ACTIVITY_LEVELS",
    "CHOICES",
    "FOLLOWER_CSV_COLUMNS",
    "FOLLOWER_SHARE",
    "KINDS",
    "MAX_FOLLOWER_COUNT",
    "AudienceSpec",
    "Population",
    "build_population",
    "describe_population",
    "parse_follower_csv",
    "platform_marginals",
    "population_chunks",
    "population_tastes",
    "population_weights",
    "with_habits",
]
