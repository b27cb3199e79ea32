"""The LLM panel calibrates the persona brain for the rest of an audience. The panel's LLM is a real
HTTP server on loopback whose viewers like and share everything, so the direction is known."""

import json

import numpy as np
import pytest

from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.engines import EngineConfig
from simulator.engines.openai_http import OpenAIEngine
from simulator.panel import Panel, PanelBrain
from tests.simulator.llm_cases import audience, draft, reaction_requests
from tests.simulator.llm_support import ScriptedServer, completion

ENTHUSIAST = {
    "reasoning": "Love it.",
    "watch_seconds": 34,
    "click": True,
    "like": True,
    "comment": "",
    "share": True,
    "follow": False,
    "leave": False,
    "satisfaction": 9,
    "fatigue": 1,
    "boredom": 0,
    "curiosity": 7,
    "mood_note": "delighted",
}


@pytest.fixture
def enthusiast_llm():
    with ScriptedServer(lambda body, n: (200, completion(json.dumps(ENTHUSIAST)), 0)) as server:
        engine = OpenAIEngine(
            EngineConfig(engine="openai", model="m", base_url=server.base_url, concurrency=8)
        )
        yield LLMBrain(engine, PersonaBrain())
        engine.close()


def test_a_panel_is_drawn_from_every_archetype_in_proportion():
    people = audience(1000, seed=2)
    panel = Panel.of_personas(people, 100, np.random.default_rng(0), archetypes=4)
    assert 96 <= len(panel.members) <= 104
    sizes = np.bincount(panel.archetype_of, minlength=4)
    drawn = np.bincount([panel.archetype_of[panel.index[u]] for u in panel.members], minlength=4)
    assert np.all(np.abs(drawn - 100 * sizes / sizes.sum()) <= 1.5)


def test_the_panel_calibrates_the_persona_brain_and_reports_who_was_simulated_by_which_brain(enthusiast_llm):
    people = audience(600, seed=4)
    requests = reaction_requests(people, draft())
    panel = Panel.of_personas(people, 60, np.random.default_rng(1), archetypes=3)
    persona = PersonaBrain()
    asked = panel.panel_requests(requests)
    panel_reactions = enthusiast_llm.react(asked, np.random.default_rng(2))
    calibration = panel.calibrate(panel_reactions, asked, persona, np.random.default_rng(3))
    assert set(calibration.factors) == {"0", "1", "2"}
    assert all(f["like"] > 1.5 and f["share"] > 1.5 for f in calibration.factors.values()), calibration
    assert all(r["like"] == 1.0 for r in calibration.panel_rates.values())

    brain = PanelBrain(panel, enthusiast_llm, persona)
    reactions = brain.react(requests, np.random.default_rng(5))
    rest = [i for i, p in enumerate(people) if p.id not in panel.members]
    uncalibrated = persona.react([requests[i] for i in rest], np.random.default_rng(5))
    calibrated = [reactions[i] for i in rest]
    assert sum(r.like for r in calibrated) > sum(r.like for r in uncalibrated)
    report = brain.report()
    assert report["users_by_brain"] == {"llm": len(panel.members), "persona": 600 - len(panel.members)}
    assert {r.brain for i, r in enumerate(reactions) if people[i].id in panel.members} == {"llm"}
    assert {r.brain for r in calibrated} == {"persona"}
    assert enthusiast_llm.usage.decisions == 2 * len(panel.members)  # the calibration run, then the run


def test_a_panel_larger_than_the_audience_is_refused():
    with pytest.raises(ValueError, match="panel size"):
        Panel.of_personas(audience(10), 11, np.random.default_rng(0))
