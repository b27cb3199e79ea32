"""LLM runs of the world: a panel's verdict scales the persona brain for the whole audience.

The panel's LLM is a real HTTP server on loopback with a known taste (it likes and shares every post it
watches, or skips everything), so the direction of the calibration is known; the real small model is
exercised in test_world_panel_cpu.py.
"""

import json

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.engines import EngineConfig
from simulator.engines.openai_http import OpenAIEngine
from simulator.panel import Calibration
from simulator.taxonomy import TOPICS
from simulator.types import Item
from simulator.world import PostSpec, WorldConfig, run_world
from simulator.world.panel import FACTORS, WorldCalibration, calibrate_world
from tests.simulator.llm_support import ScriptedServer, completion

WIDTH = len(TOPICS) + 4  # archetype features: interests, age band, three propensities
AUDIENCE = AudienceSpec(kind="followers", size=3000, profile={"niche": "food", "follower_count": 20_000})


def _answer(watch: bool, seconds: int = 30) -> dict:
    return {
        "reasoning": "Love it." if watch else "Not for me.",
        "watch_seconds": seconds if watch else 0,
        "click": watch,
        "like": watch,
        "comment": "",
        "share": watch,
        "follow": False,
        "leave": False,
        "satisfaction": 8,
        "fatigue": 1,
        "boredom": 0,
        "curiosity": 6,
        "mood_note": "fine",
    }


def _config(brain="llm", panel_size=60, **kw) -> WorldConfig:
    item = Item(
        id="draft-1", creator_id="me", kind="video", caption="Pasta", topics={"food": 1.0}, duration_s=30.0
    )
    return WorldConfig(
        audience=AUDIENCE,
        posts=[PostSpec(item=item, at_hours=18.0)],
        horizon_hours=48,
        seed=3,
        brain=brain,
        panel_size=panel_size if brain == "llm" else 0,
        **kw,
    )


def _llm(watch: bool):
    server = ScriptedServer(lambda body, n: (200, completion(json.dumps(_answer(watch))), 0))
    engine = OpenAIEngine(
        EngineConfig(engine="openai", model="taste", base_url=server.base_url, concurrency=8)
    )
    return server, engine


@pytest.fixture(scope="module")
def persona_run():
    return run_world(_config(brain="persona"))


@pytest.mark.parametrize("watch", [True, False], ids=["enthusiast", "sceptic"])
def test_the_panels_taste_moves_the_whole_audience_its_way(watch, persona_run):
    server, engine = _llm(watch)
    with server:
        brain = LLMBrain(engine, PersonaBrain())
        calibration = calibrate_world(_config(), brain)
    engine.close()
    assert calibration.panel_size == len(server.requests) == brain.usage.decisions  # one prompt per member
    assert calibration.usage.fallbacks == 0 and calibration.usage.prompt_tokens > 0
    factors = calibration.by_item["draft-1"].factors
    views = [f["view"] for f in factors.values()]
    assert all(v > 1 for v in views) if watch else all(v < 1 for v in views), factors
    assert calibration.samples and {s["brain"] for s in calibration.samples} == {"llm"}

    run = run_world(_config(), calibration=WorldCalibration.from_dict(calibration.to_dict()))
    more = run.counted("views") > persona_run.counted("views")
    assert more if watch else not more
    if watch:
        assert run.counted("likes") > 1.5 * persona_run.counted("likes")
    report = calibration.report(users=run.users)
    assert report["users_by_brain"] == {"llm panel": calibration.panel_size, "calibrated persona": 3000}


def _neutral(config: WorldConfig) -> WorldCalibration:
    """A panel that agreed with the persona brain on everything."""
    return WorldCalibration.from_dict(
        {
            "panel_size": config.panel_size,
            "centroids": [[0.0] * WIDTH, [1.0] * WIDTH],
            "by_item": {"draft-1": {"factors": {"0": dict.fromkeys(FACTORS, 1.0), "1": {}}}},
            "usage": {},
        }
    )


def test_a_panel_that_agrees_with_the_persona_brain_changes_nothing(persona_run):
    run = run_world(_config(), calibration=_neutral(_config()))
    np.testing.assert_array_equal(run.counts, persona_run.counts)


def test_a_calibrated_run_is_the_same_whatever_the_shard_count():
    server, engine = _llm(True)
    with server:
        calibration = calibrate_world(_config(panel_size=20), LLMBrain(engine, PersonaBrain()))
    engine.close()
    whole = run_world(_config(panel_size=20), calibration=calibration)
    sharded = run_world(_config(panel_size=20), calibration=calibration, shard_count=3)
    np.testing.assert_array_equal(whole.counts, sharded.counts)


def test_llm_configs_need_a_panel_and_its_calibration(persona_run):
    assert "panel must have from 1 to 2000" in " ".join(_config(panel_size=0).validate())
    assert "panel must have from 1 to 2000" in " ".join(_config(panel_size=2001).validate())
    with pytest.raises(ValueError, match="panel calibration"):
        run_world(_config())
    with pytest.raises(ValueError, match="panel calibration"):
        run_world(_config(brain="persona"), calibration=_neutral(_config()))


def _answers(n: int) -> Calibration:
    """One archetype whose n LLM answers watched one post in four and liked one watch in five."""
    rows = [[i % 4 == 0, i % 20 == 0, 0, 0, 0, 0.5 if i % 4 == 0 else 0.0] for i in range(n)]
    base = {"view": 0.2, "like": 0.15, "comment": 0.01, "share": 0.01, "follow": 0.01, "watch": 0.5}
    return Calibration(answers={"0": rows}, persona_rates={"0": base}, decisions={"0": n})


def test_reruns_redraw_the_panels_answers_so_a_small_panel_gives_wide_bands():
    spread = {}
    for n in (12, 240):
        draws = [_answers(n).resampled(np.random.default_rng(i)).factors["0"] for i in range(200)]
        spread[n] = np.std([np.log(f["view"]) for f in draws])
        assert np.mean([f["view"] for f in draws]) == pytest.approx(1.3, rel=0.25)  # 0.25 odds over 0.2's
    # shrinkage towards the persona brain (a prior worth 20 answers) damps the small panel: not sqrt(20)x
    assert spread[12] > 1.5 * spread[240] > 0, spread


def test_every_shard_of_a_rerun_draws_the_same_bootstrap():
    server, engine = _llm(True)
    with server:
        calibration = calibrate_world(_config(panel_size=20), LLMBrain(engine, PersonaBrain()))
    engine.close()
    config = _config(panel_size=20)
    whole = run_world(config, rerun=1, calibration=calibration)
    sharded = run_world(config, rerun=1, calibration=calibration, shard_count=3)
    np.testing.assert_array_equal(whole.counts, sharded.counts)
