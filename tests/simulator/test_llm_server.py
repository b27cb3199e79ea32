"""The `openai` engine and the `llm` brain against a real `vllm.entrypoints.openai.api_server` on
loopback serving the same SmolLM2 folder. The in-process engine is released first: one engine at a time."""

import pytest

from simulator import engines
from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.engines import EngineConfig
from simulator.engines.openai_http import OpenAIEngine
from tests.simulator.llm_cases import audience, draft, reaction_requests, rng
from tests.simulator.llm_support import VllmServer, requires_cpu_llm

pytestmark = [pytest.mark.llm, requires_cpu_llm, pytest.mark.timeout(1500)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    engines.release(engine="vllm")
    running = VllmServer(tmp_path_factory.mktemp("vllm") / "server.log").start()
    yield running
    running.stop()


def test_a_batch_reacts_through_an_openai_compatible_vllm_server(server):
    engine = OpenAIEngine(
        EngineConfig(engine="openai", model="smollm2", base_url=server.base_url, concurrency=4, timeout_s=300)
    )
    brain = LLMBrain(engine, PersonaBrain())
    users = audience(2)
    reactions = brain.react(reaction_requests(users, draft()), rng(6))
    engine.close()

    assert [r.user_id for r in reactions] == [u.id for u in users]
    decided = [r for r in reactions if r.brain == "llm"]
    assert len(decided) + brain.usage.fallbacks == 2 and len(decided) >= 1, brain.refusals
    assert all(0 <= r.watch_s <= 34 for r in decided)
    assert brain.usage.prompt_tokens > 2 * 300 and brain.usage.output_tokens > 2 * 20
    # the server reports its prefix cache per request (--enable-prompt-tokens-details)
    assert engine.stats.cache_reported == engine.stats.prompts
