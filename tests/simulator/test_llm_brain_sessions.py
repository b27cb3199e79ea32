"""Multi-turn sessions with the `llm` brain and the LLM instruction parser on the real vLLM CPU engine."""

import pytest

from simulator.audiences import sample_population
from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.recommenders import InstructionFollowingRecommender, RerankPlan
from simulator.recommenders.llm_parser import LLMInstructionParser
from simulator.session import SessionConfig, run_sessions
from simulator.taxonomy import TOPICS
from tests.simulator.llm_support import cpu_engine, requires_cpu_llm

pytestmark = [pytest.mark.llm, requires_cpu_llm, pytest.mark.timeout(1500)]


def test_the_instruction_parser_returns_a_plan_of_known_topics():
    parser = LLMInstructionParser(cpu_engine(), seed=1)
    plan = parser("too much hairstyling, show me more cooking and travel", creators=["chef_ana", "gamer_jo"])
    assert isinstance(plan, RerankPlan) and plan.instruction.startswith("too much hairstyling")
    assert (
        plan.source in {"llm", "rules"} and parser.calls == 1 and parser.fallbacks == (plan.source == "rules")
    )
    assert set(plan.more_topics + plan.less_topics) <= set(TOPICS)
    assert not set(plan.more_topics) & set(plan.less_topics)
    assert 0.0 <= plan.diversity <= 1.0 and 0.0 <= plan.freshness <= 1.0


def test_a_session_with_reflections_and_instructions_completes():
    engine = cpu_engine()
    catalogue = default_index()
    brain = LLMBrain(engine, PersonaBrain())
    parser = LLMInstructionParser(engine, seed=2)
    recommender = InstructionFollowingRecommender(catalogue, parser=parser)
    people = sample_population(1, 21)
    trajectories = run_sessions(
        people, recommender, brain, catalogue, seed=5, config=SessionConfig(list_size=2, max_turns=2)
    )

    assert [t.session.user_id for t in trajectories] == [p.id for p in people]
    reactions = [r for t in trajectories for r in t.reactions]
    assert reactions and {r.brain for r in reactions} <= {"llm", "fallback"}
    assert brain.usage.decisions >= len(reactions)
    assert brain.usage.fallbacks == sum(r.brain == "fallback" for r in reactions) + sum(
        t.reflection.brain == "fallback" for tr in trajectories for t in tr.turns if t.reflection
    )
    for t in trajectories:
        assert t.end_reason in {"left", "turn_cap", "time_cap", "list_exhausted"}
        assert len(t.turns) <= 2 and all(len(turn.items) == 2 for turn in t.turns)
    # the parser was asked exactly for the instructions that led to a new list
    followed = sum(1 for t in trajectories for k, turn in enumerate(t.turns[:-1]) if turn.reflection)
    assert parser.calls == followed


def test_a_prompt_over_the_models_context_costs_the_reranker_its_fallback_not_the_run():
    from simulator.recommenders.llm_reranker import LLMReranker

    items = default_index().items[:200]  # 200 items of up to 200 characters: past SmolLM2's 2,048 tokens
    reranker = LLMReranker(cpu_engine())
    assert reranker("more cooking", items) == [it.id for it in items]
    assert reranker.calls == 1 and reranker.fallbacks == 1
