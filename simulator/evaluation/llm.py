"""The LLM brain for the fidelity commands, configured by the same variables as the app.

SIM_LLM_ENGINE (vllm or openai), SIM_LLM_MODEL, SIM_LLM_BASE_URL, SIM_LLM_API_KEY; with no engine set,
the small CPU model that `make llm-cpu` prepares (SmolLM2-135M on vLLM's CPU build).
"""

import os


def llm_brain_from_env():
    try:
        from simulator.brains.llm import LLMBrain
        from simulator.brains.persona import PersonaBrain
        from simulator.engines import engine_for
        from simulator.engines.base import EngineConfig
    except ImportError as exc:
        raise LookupError(
            f"the llm brain is not available here ({exc}); install it with `make llm-cpu`"
        ) from None
    engine = os.environ.get("SIM_LLM_ENGINE", "")
    if engine:
        config = EngineConfig(
            engine=engine,
            model=os.environ.get("SIM_LLM_MODEL", ""),
            base_url=os.environ.get("SIM_LLM_BASE_URL", ""),
            api_key=os.environ.get("SIM_LLM_API_KEY", ""),
        )
    else:
        from simulator.engines import smollm2

        reason = smollm2.missing_reason()
        if reason:
            raise LookupError(f"no LLM engine configured and the CPU model is not ready: {reason}")
        config = EngineConfig.cpu()
    return LLMBrain(engine_for(config), fallback=PersonaBrain())
