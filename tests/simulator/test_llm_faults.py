"""LLM faults through a real HTTP server on loopback that answers badly: every decision is retried,
then made by the persona brain and counted; a batch never fails on model output."""

import json

import pytest

from simulator import engines
from simulator.brains.llm import LLMBrain, llm_brain_from_env
from simulator.brains.persona import PersonaBrain
from simulator.engines import EngineConfig
from simulator.engines.openai_http import OpenAIEngine
from tests.simulator.llm_cases import audience, draft, feed, reaction_requests, reflection_requests, rng
from tests.simulator.llm_support import ScriptedServer, completion

GOOD = {
    "reasoning": "Pasta again, but it looks quick.",
    "watch_seconds": 20,
    "click": False,
    "like": True,
    "comment": "",
    "share": False,
    "follow": False,
    "leave": False,
    "satisfaction": 6,
    "fatigue": 2,
    "boredom": 1,
    "curiosity": 5,
    "mood_note": "a little hungrier",
}


def answer(**changes) -> str:
    return json.dumps({**GOOD, **changes})


def brain_for(server: ScriptedServer, **config) -> LLMBrain:
    values = dict(
        engine="openai", model="m", base_url=server.base_url, timeout_s=2.0, retries=0, backoff_s=0.01
    )
    values.update(config)
    return LLMBrain(OpenAIEngine(EngineConfig(**values)), PersonaBrain(), max_attempts=3)


BAD_ANSWERS = {
    "invalid JSON": ('{"reasoning": "cut off', "not JSON"),
    "a JSON list": ("[1, 2]", "not a JSON object"),
    "empty text": ("", "empty answer"),
    "blank reasoning": (answer(reasoning="   "), "reasoning is empty"),
    "wrong enum": (answer(like="yes"), "like must be true or false"),
    "watch beyond the video": (
        answer(watch_seconds=400),
        "watch_seconds must be a whole number from 0 to 34",
    ),
    "negative watch": (answer(watch_seconds=-3), "watch_seconds must be a whole number from 0 to 34"),
    "mood off the scale": (answer(boredom=14), "boredom must be a whole number from 0 to 10"),
    "missing key": (json.dumps({k: v for k, v in GOOD.items() if k != "share"}), "missing share"),
    "extra key": (answer(rating=5), "unexpected rating"),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_is_retried_then_the_persona_brain_decides_and_it_is_counted(case):
    text, reason = BAD_ANSWERS[case]
    users = audience(4)
    with ScriptedServer(lambda body, n: (200, completion(text), 0)) as server:
        brain = brain_for(server)
        reactions = brain.react(reaction_requests(users, draft()), rng())
    assert len(server.requests) == 4 * 3  # every decision asked three times
    assert [r.user_id for r in reactions] == [u.id for u in users]
    assert {r.brain for r in reactions} == {"fallback"}
    assert (brain.usage.decisions, brain.usage.retries, brain.usage.fallbacks) == (4, 8, 4)
    assert brain.usage.prompt_tokens == 12 * 50 and brain.usage.output_tokens == 12 * 20
    assert sum(n for why, n in brain.refusals.items() if why.startswith(reason)) == 12, brain.refusals


def test_a_retry_that_succeeds_keeps_the_llm_decision_and_asks_with_a_new_seed():
    script = lambda body, n: (200, completion("{oops" if n == 0 else answer()), 0)  # noqa: E731
    with ScriptedServer(script) as server:
        brain = brain_for(server)
        [reaction] = brain.react(reaction_requests(audience(1), draft()), rng())
    assert reaction.brain == "llm" and reaction.like and reaction.watch_s == 20.0
    assert reaction.mindset.satisfaction == 0.6 and reaction.mindset.note == "a little hungrier"
    assert (brain.usage.retries, brain.usage.fallbacks) == (1, 0)
    assert server.requests[0]["seed"] != server.requests[1]["seed"]


def test_timeouts_fall_back_without_failing_the_batch():
    with ScriptedServer(lambda body, n: (200, completion(answer()), 1.0)) as server:
        brain = brain_for(server, timeout_s=0.2)
        reactions = brain.react(reaction_requests(audience(2), draft()), rng())
    assert [r.brain for r in reactions] == ["fallback", "fallback"]
    assert brain.usage.fallbacks == 2 and any("timed out" in k for k in brain.refusals)


def test_server_errors_fall_back_and_say_why():
    with ScriptedServer(lambda body, n: (500, {"error": "boom"}, 0)) as server:
        brain = brain_for(server)
        reactions = brain.react(reaction_requests(audience(2), draft()), rng())
    assert {r.brain for r in reactions} == {"fallback"} and brain.usage.fallbacks == 2
    assert brain.refusals[f"HTTP 500 from {server.base_url}/chat/completions"] == 6


def test_an_unreachable_server_falls_back():
    with ScriptedServer(lambda body, n: (200, completion(answer()), 0)) as server:
        url = server.base_url
    brain = LLMBrain(
        OpenAIEngine(EngineConfig(engine="openai", model="m", base_url=url, timeout_s=1.0, retries=0)),
        PersonaBrain(),
        max_attempts=2,
    )
    reactions = brain.react(reaction_requests(audience(3), draft()), rng())
    assert {r.brain for r in reactions} == {"fallback"} and brain.usage.fallbacks == 3


def test_only_the_failed_decisions_of_a_batch_fall_back():
    def script(body, n):
        persona_line = body["messages"][1]["content"]
        return 200, completion(answer(watch_seconds=999) if "aged 18-24" in persona_line else answer()), 0

    users = audience(12)
    young = {u.id for u in users if u.demographics.age_band == "18-24"}
    assert 0 < len(young) < len(users)
    with ScriptedServer(script) as server:
        brain = brain_for(server)
        reactions = brain.react(reaction_requests(users, draft()), rng())
    assert {r.user_id for r in reactions if r.brain == "fallback"} == young
    assert brain.usage.fallbacks == len(young) and brain.usage.decisions == 12


def test_reflections_fall_back_on_bad_answers_and_keep_good_ones():
    def script(body, n):
        if "aged 18-24" in body["messages"][1]["content"]:
            return 200, completion(json.dumps({"reasons": [], "instruction": None})), 0
        return 200, completion(json.dumps({"reasons": ["too much news"], "instruction": "more cooking"})), 0

    users = audience(8)
    items = feed()
    with ScriptedServer(script) as server:
        brain = brain_for(server)
        reflections = brain.reflect(reflection_requests(users, items, []), rng())
    for user, reflection in zip(users, reflections, strict=True):
        if user.demographics.age_band == "18-24":
            assert reflection.brain == "fallback"
        else:
            assert (reflection.brain, reflection.reasons, reflection.instruction) == (
                "llm",
                ["too much news"],
                "more cooking",
            )
    assert brain.refusals["reasons must be a list of one to three texts"] > 0


def test_the_brain_is_built_from_the_sim_llm_variables_and_says_what_is_missing():
    with pytest.raises(ValueError, match="SIM_LLM_ENGINE"):
        llm_brain_from_env({"SIM_LLM_MODEL": "m"}, PersonaBrain())
    env = {
        "SIM_LLM_ENGINE": "openai",
        "SIM_LLM_MODEL": "m",
        "SIM_LLM_BASE_URL": "http://h:1/v1",
        "SIM_LLM_CONCURRENCY": "3",
    }
    brain = llm_brain_from_env(env, PersonaBrain())
    assert brain.engine.config.concurrency == 3 and brain.engine.config.base_url == "http://h:1/v1"
    engines.release(engine="openai")
