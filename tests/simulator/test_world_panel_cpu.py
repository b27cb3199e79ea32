"""An LLM run of the world on the real vLLM CPU engine with SmolLM2-135M: the contract, not the wisdom."""

import pytest

from simulator.brains.llm import LLMBrain
from simulator.brains.persona import PersonaBrain
from simulator.world import run_world
from simulator.world.panel import calibrate_world
from tests.simulator.llm_support import cpu_engine, requires_cpu_llm
from tests.simulator.test_world_panel import _config

pytestmark = [pytest.mark.llm, requires_cpu_llm, pytest.mark.timeout(1500)]


def test_a_small_panel_calibrates_a_world_run_on_the_cpu_model():
    brain = LLMBrain(cpu_engine(), PersonaBrain())
    # 16 prompts of ~640 tokens: more than one engine step takes (8192), so prefill spans steps
    config = _config(panel_size=16)
    calibration = calibrate_world(config, brain)

    usage = calibration.usage
    assert calibration.panel_size == 16 and usage.decisions == 16  # one post, one prompt per member
    valid = [s for s in calibration.samples if s["brain"] == "llm"]
    assert len(valid) + usage.fallbacks == 16 and len(valid) >= 12, calibration.refusals
    assert all(s["reasoning"] for s in valid)
    assert usage.prompt_tokens > 16 * 300 and usage.output_tokens > 16 * 20
    for factors in calibration.by_item["draft-1"].factors.values():
        assert all(0.25 <= f <= 4.0 for f in factors.values())

    run = run_world(config, calibration=calibration)
    assert run.users == 3000 and run.counted("impressions") > 0
    assert calibration.report(run.users)["users_by_brain"] == {"llm panel": 16, "calibrated persona": 3000}
