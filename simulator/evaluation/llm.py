"""The LLM brain for the fidelity commands, configured by the same variables as the app.

SIM_LLM_ENGINE (vllm or openai), SIM_LLM_MODEL, SIM_LLM_BASE_URL, SIM_LLM_API_KEY; with no engine set,
the small CPU model that `make llm-cpu` prepares (SmolLM2-135M on vLLM's CPU build).
"""

import os


def llm_brain_from_env():
    try:
        from simulator.brains.llm import llm_brain_from_env as from_env
        from simulator.brains.persona import PersonaBrain
    except ImportError as exc:
        raise LookupError(
            f"the llm brain is not available here ({exc}); install it with `make llm-cpu`"
        ) from None
    return from_env(os.environ, PersonaBrain(), cpu_default=True)
