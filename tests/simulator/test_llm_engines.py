"""Engines: the real vLLM engine on CPU, and the OpenAI-compatible client against real HTTP servers."""

import dataclasses
import json
import threading
import time

import pytest

from simulator.engines import ChatPrompt, EngineConfig
from simulator.engines.openai_http import OpenAIEngine
from tests.simulator.llm_support import ScriptedServer, completion, requires_cpu_llm
from tests.simulator.llm_support import cpu_engine as shared_cpu_engine

SCHEMA = {
    "title": "verdict",
    "type": "object",
    "properties": {
        "reason": {"type": "string", "maxLength": 80},
        "mood": {"type": "string", "enum": ["happy", "bored", "annoyed"]},
        "watch_seconds": {"type": "integer", "minimum": 0, "maximum": 30},
    },
    "required": ["reason", "mood", "watch_seconds"],
    "additionalProperties": False,
}
SYSTEM = "You simulate a viewer of a short-video feed. Answer only with the JSON object asked for. " * 8


def prompts(n: int, seed0: int = 0) -> list[ChatPrompt]:
    return [
        ChatPrompt(
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"Viewer {i} loves cooking. A 30 s pasta video plays. Verdict?"},
            ],
            schema=SCHEMA,
            seed=seed0 + i,
        )
        for i in range(n)
    ]


def assert_valid(text: str) -> dict:
    data = json.loads(text)
    assert set(data) == {"reason", "mood", "watch_seconds"}
    assert data["mood"] in {"happy", "bored", "annoyed"}
    assert 0 <= data["watch_seconds"] <= 30 and len(data["reason"]) <= 80
    return data


@pytest.fixture
def cpu_engine():
    return shared_cpu_engine()


@pytest.mark.llm
@pytest.mark.timeout(1500)
@requires_cpu_llm
def test_cpu_engine_answers_a_batch_with_schema_valid_json_and_counts_tokens(cpu_engine):
    before = cpu_engine.stats.prompts
    out = cpu_engine.generate(prompts(4))
    assert len(out) == 4
    for g in out:
        assert g.error is None and g.finish_reason == "stop"
        assert_valid(g.text)
        assert g.prompt_tokens > 50 and g.output_tokens > 5
    assert cpu_engine.stats.prompts - before == 4


@pytest.mark.llm
@pytest.mark.timeout(1500)
@requires_cpu_llm
def test_cpu_engine_serves_the_shared_prefix_from_its_cache_when_not_asked_to_reproduce(cpu_engine):
    reproducible = cpu_engine.config
    cpu_engine.config = dataclasses.replace(reproducible, reproducible=False)
    try:
        cpu_engine.generate(prompts(2))
        again = cpu_engine.generate(prompts(2, seed0=100))
    finally:
        cpu_engine.config = reproducible
    assert all(g.cached_tokens and g.cached_tokens >= 64 for g in again)  # whole KV blocks
    assert cpu_engine.stats.cache_hit_rate > 0
    # reproducible: the call starts from an empty cache, so its first prompt finds nothing cached (its
    # later ones may reuse the first one's blocks, the same way every time)
    fresh = cpu_engine.generate(prompts(2, seed0=100))
    assert not fresh[0].cached_tokens


@pytest.mark.llm
@pytest.mark.timeout(1500)
@requires_cpu_llm
def test_cpu_engine_gives_the_same_answers_for_the_same_batch_and_seeds_whatever_ran_before(cpu_engine):
    first = [g.text for g in cpu_engine.generate(prompts(8, seed0=7))]
    cpu_engine.generate(prompts(3, seed0=50))  # another batch in between: a prefix cache would keep it
    second = [g.text for g in cpu_engine.generate(prompts(8, seed0=7))]
    assert first == second


def openai_config(url: str, **kw) -> EngineConfig:
    values = dict(engine="openai", model="m", base_url=url, timeout_s=5.0, retries=2, backoff_s=0.05)
    values.update(kw)
    return EngineConfig(**values)


def test_openai_engine_asks_for_the_json_schema_and_reads_usage():
    with ScriptedServer(lambda body, n: (200, completion('{"ok": 1}', 40, 7), 0)) as server:
        engine = OpenAIEngine(openai_config(server.base_url, api_key="k"))
        [g] = engine.generate(prompts(1, seed0=5))
        engine.close()
    body = server.requests[0]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert body["seed"] == 5 and body["messages"][0]["role"] == "system"
    assert (g.text, g.prompt_tokens, g.output_tokens, g.error) == ('{"ok": 1}', 40, 7, None)


def test_openai_engine_retries_server_errors_with_backoff_then_succeeds():
    script = lambda body, n: (503, {"error": "busy"}, 0) if n < 2 else (200, completion("{}"), 0)  # noqa: E731
    with ScriptedServer(script) as server:
        engine = OpenAIEngine(openai_config(server.base_url))
        [g] = engine.generate(prompts(1))
        engine.close()
    assert len(server.requests) == 3 and g.error is None and g.text == "{}"


def test_openai_engine_reports_a_timeout_as_an_error_after_its_retries():
    with ScriptedServer(lambda body, n: (200, completion("{}"), 2.0)) as server:
        engine = OpenAIEngine(openai_config(server.base_url, timeout_s=0.3, retries=1))
        started = time.monotonic()
        [g] = engine.generate(prompts(1))
        engine.close()
    assert g.text == "" and "timed out" in g.error
    assert len(server.requests) == 2 and time.monotonic() - started < 2.0


def test_openai_engine_does_not_retry_a_rejected_request():
    with ScriptedServer(lambda body, n: (400, {"error": "bad schema"}, 0)) as server:
        engine = OpenAIEngine(openai_config(server.base_url))
        [g] = engine.generate(prompts(1))
        engine.close()
    assert len(server.requests) == 1 and g.error == f"HTTP 400 from {server.base_url}/chat/completions"


def test_openai_engine_keeps_at_most_its_concurrency_in_flight():
    in_flight, peak, lock = [0], [0], threading.Lock()

    def script(body, n):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.15)
        with lock:
            in_flight[0] -= 1
        return 200, completion("{}"), 0

    with ScriptedServer(script) as server:
        engine = OpenAIEngine(openai_config(server.base_url, concurrency=3))
        out = engine.generate(prompts(9))
        engine.close()
    assert len(out) == 9 and all(g.error is None for g in out)
    assert peak[0] == 3


def test_openai_engine_needs_a_base_url():
    with pytest.raises(ValueError, match="SIM_LLM_BASE_URL"):
        OpenAIEngine(EngineConfig(engine="openai", model="m"))
