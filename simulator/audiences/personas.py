"""A sample population as personas, for the command line, the environment and tests, reproducible from
a seed: the one way every part of the engine gets its users is `build_population`.

Demographics, interests and activity are the general audience of `simulator.audiences` (platform
marginals with their sources); engagement habits are drawn from the persona parameters, so they
carry the real rates: like and comment rates spread log-normally as the YouTube likes/views and
comments/views ratios are, watch habits around KuaiRand's.
"""

from simulator.audiences.draw import build_population, with_habits
from simulator.audiences.spec import AudienceSpec
from simulator.brains.persona_params import PersonaParams
from simulator.types import Persona


def sample_population(
    n: int, seed: int, *, params: PersonaParams | None = None, first_id: int = 1
) -> list[Persona]:
    """`n` personas, the same for the same (n, seed, params)."""
    if n < 1:
        raise ValueError("a population needs at least one user")
    population = build_population(AudienceSpec(kind="general", size=n), seed)
    if params is not None:
        population = with_habits(population, params)
    people = []
    for i in range(n):
        persona = population.persona(i)
        persona.id = first_id + i
        persona.interest_text = "likes " + ", ".join(
            sorted(persona.interests, key=persona.interests.get, reverse=True)
        )
        people.append(persona)
    return people
