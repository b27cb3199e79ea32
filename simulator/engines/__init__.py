"""LLM engines behind one interface: in-process vLLM, or any OpenAI-compatible server over HTTP.

`engine_for(config)` returns the process's engine for a config, built on first use and reused. A vLLM
engine holds the model in (GPU) memory, so a process keeps at most one: asking for another config
frees the previous one. HTTP clients are cheap and kept per config.
"""

from collections.abc import Mapping

from simulator.engines.base import ChatPrompt, Engine, EngineConfig, EngineStats, Generation

__all__ = [
    "ChatPrompt",
    "Engine",
    "EngineConfig",
    "EngineStats",
    "Generation",
    "configured_engine",
    "engine_for",
    "release",
]

_engines: dict[EngineConfig, Engine] = {}


def engine_for(config: EngineConfig) -> Engine:
    """This process's engine for `config`."""
    if config in _engines:
        return _engines[config]
    if config.engine == "vllm":
        from simulator.engines.local_vllm import VllmEngine

        release(engine="vllm")
        engine: Engine = VllmEngine(config)
    elif config.engine == "openai":
        from simulator.engines.openai_http import OpenAIEngine

        engine = OpenAIEngine(config)
    else:
        raise ValueError(f"unknown LLM engine {config.engine!r}: expected 'vllm' or 'openai'")
    _engines[config] = engine
    return engine


def configured_engine(env: Mapping[str, str], *, cpu_default: bool = False) -> Engine:
    """The engine the SIM_LLM_* variables configure (README "Configuration"). With none set, the small
    CPU model of `make llm-cpu` where `cpu_default` (the command-line protocols), else ValueError."""
    if env.get("SIM_LLM_ENGINE"):
        config = EngineConfig.from_env(env)
        if not config.model:
            raise ValueError(f"SIM_LLM_ENGINE={config.engine} needs SIM_LLM_MODEL")
        return engine_for(config)
    if not cpu_default:
        raise ValueError(
            "no LLM engine configured: set SIM_LLM_ENGINE (vllm-cpu, vllm or openai) and SIM_LLM_MODEL"
        )
    from simulator.engines import smollm2

    if reason := smollm2.missing_reason():
        raise LookupError(f"no LLM engine configured and the CPU model is not ready: {reason}")
    return engine_for(EngineConfig.cpu())


def release(engine: str | None = None) -> None:
    """Free this process's engines (models, KV caches, connection pools), or only those of one kind."""
    for config in [c for c in _engines if engine is None or c.engine == engine]:
        _engines.pop(config).close()
