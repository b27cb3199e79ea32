"""LLM brain speed: decisions per second one prompt at a time versus the whole step batched, prompt and
output tokens per decision, the prefix-cache hit rate where the engine reports it, and fallbacks.

The engine comes from the SIM_LLM_* variables (README "Configuration"), so on a GPU host
`SIM_LLM_ENGINE=vllm SIM_LLM_MODEL=Qwen/Qwen2.5-7B-Instruct make bench llm` runs it unchanged;
without them it uses the CPU engine with SmolLM2-135M (`make llm-cpu`). BENCH_LLM_USERS sets the batch.
"""

import os
import statistics
import time

import numpy as np

from simulator.audiences import sample_population
from simulator.brains.base import ReactionRequest
from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.engines import EngineConfig, engine_for, smollm2
from simulator.types import Context, Engagement, Item, Mindset

SINGLE = 4  # decisions timed one prompt at a time


def _requests(n: int) -> list[ReactionRequest]:
    draft = Item(
        id="draft",
        creator_id="chef_ana",
        kind="video",
        caption="Easy 10-minute garlic butter pasta for busy weeknights",
        hashtags=["pasta", "weeknightdinner"],
        topics={"food": 0.8, "family": 0.2},
        duration_s=34.0,
        engagement=Engagement(views=1200, likes=85, comments=6, shares=3),
    )
    return [
        ReactionRequest(
            persona=p,
            item=draft,
            context=Context(hour_of_day=20.5, weekday=2),
            mindset=Mindset(),
            interests=dict(p.interests),
            memory_summary="last week: watched 14 of 40 items (comedy, food), liked 2",
        )
        for p in sample_population(n, 7)
    ]


def _config() -> EngineConfig | None:
    if os.environ.get("SIM_LLM_ENGINE"):
        return EngineConfig.from_env(os.environ)
    if smollm2.missing_reason() is None:
        return EngineConfig.cpu()
    return None


def main() -> None:
    config = _config()
    if config is None:
        print(f"skipped: no LLM engine configured and {smollm2.missing_reason()}")
        return
    users = int(
        os.environ.get("BENCH_LLM_USERS", "16" if config.model == EngineConfig.cpu().model else "256")
    )
    engine = engine_for(config)
    print(f"engine {config.engine}, model {config.model}, batch {users}")

    started = time.perf_counter()
    LLMBrain(engine, PersonaBrain(), max_attempts=1).react(_requests(1), np.random.default_rng(0))
    print(f"first call (engine start, warm-up): {time.perf_counter() - started:.1f} s")

    requests = _requests(users)
    brain = LLMBrain(engine, PersonaBrain())
    single = []
    for k in range(SINGLE):
        t = time.perf_counter()
        brain.react(requests[k : k + 1], np.random.default_rng(k))
        single.append(time.perf_counter() - t)
    single_rate = 1.0 / statistics.median(single)

    batched, before = [], (engine.stats.prompt_tokens, engine.stats.output_tokens, engine.stats.prompts)
    cache_before = (engine.stats.cached_tokens, engine.stats.prompt_tokens, engine.stats.cache_reported)
    brain = LLMBrain(engine, PersonaBrain())
    for rep in range(2):
        t = time.perf_counter()
        brain.react(requests, np.random.default_rng(100 + rep))
        batched.append(time.perf_counter() - t)
    batch_rate = users / statistics.median(batched)
    prompts = engine.stats.prompts - before[2]
    prompt_tokens = (engine.stats.prompt_tokens - before[0]) / prompts
    output_tokens = (engine.stats.output_tokens - before[1]) / prompts
    cached = engine.stats.cached_tokens - cache_before[0]
    reported = engine.stats.cache_reported - cache_before[2]
    hit = f"{cached / (engine.stats.prompt_tokens - cache_before[1]):.0%}" if reported else "not reported"

    print(f"one prompt at a time: {single_rate:.2f} decisions/s (median of {SINGLE})")
    print(f"batched ({users} per call): {batch_rate:.2f} decisions/s (median of {len(batched)})")
    print(f"batched / one at a time: {batch_rate / single_rate:.1f}x")
    print(f"tokens per decision: {prompt_tokens:.0f} prompt, {output_tokens:.0f} output")
    print(f"output tokens/s batched: {output_tokens * batch_rate:.0f}")
    print(f"prefix-cache hit rate (batched calls): {hit}")
    usage = brain.usage
    print(f"fallbacks: {usage.fallbacks} of {usage.decisions} decisions, retries {usage.retries}")


if __name__ == "__main__":
    main()
