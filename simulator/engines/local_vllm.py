"""In-process vLLM: one `vllm.LLM` per process, built on first use, every prompt of a step in one call.

GPU workers run it under Celery's `--pool=solo` (vLLM cannot start its processes inside a prefork child),
and the engine is built lazily on the first batch, not in `worker_process_init`, which Celery kills when
it blocks for more than 4 s.
"""

import os
import time
from typing import Any

from simulator.engines.base import ChatPrompt, EngineConfig, EngineStats, Generation


class VllmEngine:
    def __init__(self, config: EngineConfig):
        self.config = config
        self.stats = EngineStats()
        self._llm: Any = None

    @property
    def multimodal(self) -> bool:
        return self.config.max_images > 0

    def _build(self) -> Any:
        for key, value in self.config.env:
            os.environ.setdefault(key, value)
        # vLLM logs to stdout by default, which the commands' --json output owns (read at vLLM's import).
        os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")
        from vllm import LLM

        c = self.config
        kwargs: dict[str, Any] = dict(
            model=c.model,
            dtype=c.dtype,
            max_model_len=c.max_model_len,
            gpu_memory_utilization=c.gpu_memory,
            enforce_eager=c.enforce_eager,
            enable_prefix_caching=True,
            # Compact JSON: with free whitespace a small model can pad newlines until max_tokens.
            structured_outputs_config={"backend": "xgrammar", "disable_any_whitespace": True},
        )
        if not c.chunked_prefill:
            kwargs["enable_chunked_prefill"] = False
        if c.max_num_batched_tokens:
            kwargs["max_num_batched_tokens"] = c.max_num_batched_tokens
        if c.max_images:
            kwargs["limit_mm_per_prompt"] = {"image": c.max_images}
        llm = LLM(**kwargs)
        _compile_grammars_in_order(llm)
        return llm

    def generate(self, prompts: list[ChatPrompt]) -> list[Generation]:
        if not prompts:
            return []
        if self._llm is None:
            self._llm = self._build()
        from vllm import SamplingParams
        from vllm.sampling_params import StructuredOutputsParams

        params = [
            SamplingParams(
                temperature=self.config.temperature,
                max_tokens=self.config.max_tokens,
                seed=p.seed,
                structured_outputs=StructuredOutputsParams(json=p.schema),  # one each: vLLM annotates it
            )
            for p in prompts
        ]
        started = time.perf_counter()
        if self.config.reproducible:
            self._llm.reset_prefix_cache()  # see EngineConfig.reproducible
        outputs = self._llm.chat([p.messages for p in prompts], params, use_tqdm=False)
        generations = []
        for out in outputs:
            completion = out.outputs[0]
            generations.append(
                Generation(
                    text=completion.text,
                    prompt_tokens=len(out.prompt_token_ids or ()),
                    output_tokens=len(completion.token_ids),
                    cached_tokens=out.num_cached_tokens,
                    finish_reason=completion.finish_reason,
                )
            )
        self.stats.record(generations, time.perf_counter() - started)
        return generations

    def close(self) -> None:
        if self._llm is not None:
            import gc

            self._llm = None
            gc.collect()


def _compile_grammars_in_order(llm: Any) -> None:
    """Compile each request's JSON grammar as it is added, not on vLLM's thread pool.

    vLLM schedules a request only once its grammar is compiled, so with the pool the order a batch runs in
    depends on thread timing: another prompt of the batch may prefill the shared system prompt first and
    the first one finds it cached (seen in CI: 128 cached tokens right after a cache reset), which changes
    the floating-point sums. vLLM turns the pool off for the same reason under its external launcher
    (vllm/v1/structured_output/__init__.py). Only an engine core in this process can be reached; a
    multiprocess one (GPU default) keeps the pool, and the README says it is not reproducible.
    """
    core = getattr(getattr(llm.llm_engine, "engine_core", None), "engine_core", None)
    manager = getattr(core, "structured_output_manager", None)
    if manager is not None:
        manager._use_async_grammar_compilation = False
