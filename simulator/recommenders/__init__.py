"""Recommenders behind one interface (DESIGN.md "Recommenders"): `traditional` and `instruction_following`."""

from simulator.recommenders.base import RankQuery, Recommender
from simulator.recommenders.instruction_following import InstructionFollowingRecommender
from simulator.recommenders.plan import RerankPlan
from simulator.recommenders.traditional import TraditionalRecommender

RECOMMENDERS = {
    "traditional": TraditionalRecommender,
    "instruction_following": InstructionFollowingRecommender,
}


def make_recommender(name: str, items) -> Recommender:
    """A recommender by name over a list of items (or a CatalogueIndex)."""
    if name not in RECOMMENDERS:
        raise ValueError(f"unknown recommender {name!r}: choose one of {', '.join(RECOMMENDERS)}")
    return RECOMMENDERS[name](items)


__all__ = [
    "RECOMMENDERS",
    "InstructionFollowingRecommender",
    "RankQuery",
    "Recommender",
    "RerankPlan",
    "TraditionalRecommender",
    "make_recommender",
]
