"""LLM engines behind one interface: in-process vLLM, or any OpenAI-compatible server over HTTP.

`engine_for(config)` returns the process's engine for a config, built on first use and reused: a vLLM
engine holds the model in (GPU) memory, so a worker process keeps exactly one.
"""

from simulator.engines.base import ChatPrompt, Engine, EngineConfig, EngineStats, Generation

__all__ = ["ChatPrompt", "Engine", "EngineConfig", "EngineStats", "Generation", "engine_for", "release"]

_current: Engine | None = None


def engine_for(config: EngineConfig) -> Engine:
    """This process's engine for `config`; a different config replaces (and frees) the previous one."""
    global _current
    if _current is not None and _current.config == config:
        return _current
    release()
    if config.engine == "vllm":
        from simulator.engines.local_vllm import VllmEngine

        _current = VllmEngine(config)
    elif config.engine == "openai":
        from simulator.engines.openai_http import OpenAIEngine

        _current = OpenAIEngine(config)
    else:
        raise ValueError(f"unknown LLM engine {config.engine!r}: expected 'vllm' or 'openai'")
    return _current


def release() -> None:
    """Free this process's engine (its model and KV cache), if any."""
    global _current
    if _current is not None:
        _current.close()
        _current = None
