"""An LLM run of the world on the real vLLM CPU engine with SmolLM2-135M: the contract, not the wisdom."""

import pytest

from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.world import run_world
from simulator.world_panel import calibrate_world
from tests.simulator.llm_support import cpu_engine, requires_cpu_llm
from tests.simulator.test_world_panel import _config

pytestmark = [pytest.mark.llm, requires_cpu_llm, pytest.mark.timeout(1500)]


def test_a_small_panel_calibrates_a_world_run_on_the_cpu_model():
    brain = LLMBrain(cpu_engine(), PersonaBrain())
    config = _config(panel_size=8)
    calibration = calibrate_world(config, brain)

    usage = calibration.usage
    assert calibration.panel_size == 8 and usage.decisions == 8  # one post, one prompt per member
    valid = [s for s in calibration.samples if s["brain"] == "llm"]
    assert len(valid) + usage.fallbacks == 8 and len(valid) >= 6, calibration.refusals
    assert all(s["reasoning"] for s in valid)
    assert usage.prompt_tokens > 8 * 300 and usage.output_tokens > 8 * 20
    for factors in calibration.by_item["draft-1"].factors.values():
        assert all(0.25 <= f <= 4.0 for f in factors.values())

    run = run_world(config, calibration=calibration)
    assert run.users == 3000 and run.counted("impressions") > 0
    assert calibration.report(run.users)["users_by_brain"] == {"llm panel": 8, "calibrated persona": 3000}
