"""Small real inputs for the LLM tests: an audience from the population model, a draft and a feed."""

import numpy as np

from simulator.audiences import AudienceSpec, build_population
from simulator.brains.base import ReactionRequest, ReflectionRequest  # noqa: F401 (types in docs)
from simulator.types import Context, Engagement, Item, Mindset, Persona, Turn


def audience(n: int, seed: int = 3) -> list[Persona]:
    population = build_population(AudienceSpec(kind="general", size=n), seed)
    return [population.persona(i) for i in range(n)]


def draft(caption: str = "Easy 10-minute garlic butter pasta for busy weeknights") -> Item:
    return Item(
        id="draft-1",
        creator_id="chef_ana",
        kind="video",
        caption=caption,
        hashtags=["pasta", "weeknightdinner"],
        topics={"food": 0.8, "family": 0.2},
        duration_s=34.0,
        engagement=Engagement(views=1200, likes=85, comments=6, shares=3),
    )


def feed() -> list[Item]:
    specs = [
        ("gamer_jo", "gaming", "Speedrun of the new level in 4 minutes", 48.0),
        ("fit_sam", "fitness", "Five stretches for desk workers", 25.0),
        ("chef_ana", "food", "Street tacos three ways", 40.0),
        ("news_now", "news", "Today's headlines in a minute", 60.0),
    ]
    return [
        Item(id=f"item-{i}", creator_id=c, kind="video", caption=cap, topics={t: 1.0}, duration_s=d)
        for i, (c, t, cap, d) in enumerate(specs)
    ]


def reaction_requests(
    personas: list[Persona], item: Item, context: Context | None = None
) -> list[ReactionRequest]:
    return [
        ReactionRequest(
            persona=p,
            item=item,
            context=context or Context(hour_of_day=20.5, weekday=2, country=p.demographics.country),
            mindset=Mindset(),
            interests=dict(p.interests),
            memory_summary="last week: watched 14 of 40 items (comedy, food), liked 2",
        )
        for p in personas
    ]


def reflection_requests(personas: list[Persona], items: list[Item], reactions) -> list[ReflectionRequest]:
    out = []
    for p in personas:
        mine = [r for r in reactions if r.user_id == p.id]
        out.append(
            ReflectionRequest(
                persona=p,
                context=Context(),
                mindset=Mindset(satisfaction=0.2, fatigue=0.6, boredom=0.7, curiosity=0.3),
                interests=dict(p.interests),
                last_turn=Turn(items=[i.id for i in items], reactions=mine),
                items={i.id: i for i in items},
            )
        )
    return out


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)
