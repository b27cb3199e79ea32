"""Recommenders behind one interface (DESIGN.md "Recommenders"): `traditional` and `instruction_following`."""

from collections.abc import Mapping
from typing import Any

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


def llm_follower_parts(env: Mapping[str, str], *, cpu_default: bool = False) -> dict[str, Any]:
    """The instruction follower's LLM parser and re-ranker on the engine SIM_LLM_* configure
    (simulator.engines.configured_engine), as keyword arguments of InstructionFollowingRecommender."""
    from simulator.engines import configured_engine
    from simulator.recommenders.llm_parser import LLMInstructionParser
    from simulator.recommenders.llm_reranker import LLMReranker

    engine = configured_engine(env, cpu_default=cpu_default)
    return {"parser": LLMInstructionParser(engine), "reranker": LLMReranker(engine)}


__all__ = [
    "RECOMMENDERS",
    "InstructionFollowingRecommender",
    "RankQuery",
    "Recommender",
    "RerankPlan",
    "TraditionalRecommender",
    "llm_follower_parts",
    "make_recommender",
]
