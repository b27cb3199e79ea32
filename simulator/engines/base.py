"""What every engine does: answer a batch of chat prompts with schema-constrained JSON text."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

# OpenAI chat format: {"role": ..., "content": str | [{"type": "text" | "image_url", ...}]}
Message = dict[str, Any]


@dataclass(frozen=True)
class EngineConfig:
    """Everything an engine needs, passed in by the caller (the app maps its settings onto it)."""

    engine: str  # "vllm" (in-process) or "openai" (HTTP)
    model: str
    # vllm
    dtype: str = "auto"
    max_model_len: int = 4096
    gpu_memory: float = 0.85
    enforce_eager: bool = False  # skips CUDA-graph / compile warm-up: slower steps, faster start (CPU, tests)
    max_images: int = 0  # images per prompt for a vision-language model; 0 = text only
    env: tuple[tuple[str, str], ...] = ()  # set (unless already set) before vLLM is imported
    # False on CPU: a partly prefilled prompt's sampled token is discarded by rewinding its seeded
    # generator, which CPU generators cannot do (vLLM 0.32: "CPU Generator does not use offset").
    chunked_prefill: bool = True
    max_num_batched_tokens: int | None = None  # tokens per engine step; None: vLLM's default
    # Each call starts from an empty prefix cache, so its answers depend on its prompts and seeds only:
    # a prefix cached by an earlier call changes what a step computes (fewer prefill tokens, another
    # batch shape) and so the floating-point sums, which can flip a sampled token. The prompts of one
    # call still share their prefixes. False keeps the cache across calls (faster, not reproducible).
    reproducible: bool = True
    # openai
    base_url: str = ""
    api_key: str = ""
    concurrency: int = 16
    timeout_s: float = 60.0
    retries: int = 2  # transport retries (timeouts, 429, 5xx), with exponential backoff
    backoff_s: float = 0.5
    # both
    max_tokens: int = 400
    temperature: float = 0.8

    @classmethod
    def cpu(cls, **overrides: Any) -> "EngineConfig":
        """The small CPU model that `make llm-cpu` prepares (simulator.engines.smollm2), in process."""
        from simulator.engines import smollm2

        return cls(**{**smollm2.cpu_values(), **overrides})

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> "EngineConfig":
        """From the SIM_LLM_* variables the app's settings read (README "Configuration")."""
        if env.get("SIM_LLM_ENGINE") == "vllm-cpu":
            return cls.cpu(**overrides)
        values: dict[str, Any] = {
            "engine": env.get("SIM_LLM_ENGINE", ""),
            "model": env.get("SIM_LLM_MODEL", ""),
            "dtype": env.get("SIM_LLM_DTYPE", "auto"),
            "max_model_len": int(env.get("SIM_LLM_MAX_MODEL_LEN", "4096")),
            "gpu_memory": float(env.get("SIM_LLM_GPU_MEMORY", "0.85")),
            "max_images": int(env.get("SIM_LLM_MAX_IMAGES", "0")),
            "base_url": env.get("SIM_LLM_BASE_URL", ""),
            "api_key": env.get("SIM_LLM_API_KEY", ""),
            "concurrency": int(env.get("SIM_LLM_CONCURRENCY", "16")),
            "timeout_s": float(env.get("SIM_LLM_TIMEOUT", "60")),
            "reproducible": env.get("SIM_LLM_REPRODUCIBLE", "true").strip().lower()
            not in ("0", "false", "no"),
        }
        values.update(overrides)
        return cls(**values)


@dataclass
class ChatPrompt:
    messages: list[Message]
    schema: dict[str, Any]  # the JSON schema the answer must follow
    seed: int | None = None  # per-request sampling seed: the same prompt and seed give the same answer


@dataclass
class Generation:
    """One answer. `error` is set (and `text` empty) when the engine could not get an answer at all."""

    text: str
    prompt_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int | None = None  # prompt tokens served from the prefix cache, where reported
    finish_reason: str | None = None
    error: str | None = None


def generate_or_errors(engine: "Engine", prompts: list[ChatPrompt]) -> list[Generation]:
    """engine.generate, with a crash (a prompt over the model's context, a lost server) answered as an
    error on every prompt of the call: it costs the caller an attempt and its fallback, never the run."""
    try:
        return engine.generate(prompts)
    except Exception as exc:
        return [Generation(text="", error=f"engine failed: {type(exc).__name__}: {exc}") for _ in prompts]


@dataclass
class EngineStats:
    """Totals since the engine was built."""

    calls: int = 0
    prompts: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cache_reported: int = 0  # prompts whose cached-token count the engine reported
    errors: int = 0
    seconds: float = 0.0

    def record(self, generations: list[Generation], seconds: float) -> None:
        self.calls += 1
        self.prompts += len(generations)
        self.seconds += seconds
        for g in generations:
            self.prompt_tokens += g.prompt_tokens
            self.output_tokens += g.output_tokens
            self.errors += g.error is not None
            if g.cached_tokens is not None:
                self.cached_tokens += g.cached_tokens
                self.cache_reported += 1

    @property
    def cache_hit_rate(self) -> float | None:
        """Share of prompt tokens served from the prefix cache; None where the engine does not say."""
        if not self.cache_reported or not self.prompt_tokens:
            return None
        return self.cached_tokens / self.prompt_tokens


class Engine(Protocol):
    config: EngineConfig
    stats: EngineStats

    @property
    def multimodal(self) -> bool:
        """Whether prompts may carry images."""
        ...

    def generate(self, prompts: list[ChatPrompt]) -> list[Generation]:
        """Answer every prompt (the i-th generation answers the i-th prompt), each held to its schema."""
        ...

    def close(self) -> None:
        """Release the model or the connections."""
        ...
