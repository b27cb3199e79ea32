"""The NumPy MiniLM forward pass against the transformers one it replaces (where torch is installed)."""

import numpy as np
import pytest

from simulator.representations import embeddings

pytestmark = pytest.mark.skipif(
    embeddings.model_path() is None, reason="all-MiniLM-L6-v2 missing: make install"
)

TEXTS = [
    "I tried Gordon Ramsay's 5-minute carbonara #pasta #dinner",
    "untitled",
    "",
    "stock market crash explained " * 70,  # past the 256-token limit: truncated the same way
    "Ünïcode café — 🍝 naïve façade",
]


def torch_reference(texts: list[str]) -> np.ndarray:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    path = embeddings.model_path()
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModel.from_pretrained(path).eval()
    with torch.inference_mode():
        batch = tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, dim=1).numpy()


def test_numpy_embeddings_match_the_transformers_model():
    ours = embeddings.TextEmbedder(batch_size=2).embed(TEXTS)
    assert ours.shape == (len(TEXTS), embeddings.DIMENSIONS) and ours.dtype == np.float32
    assert np.abs(ours - torch_reference(TEXTS)).max() < 1e-4


def test_batching_and_order_do_not_change_an_embedding():
    embedder = embeddings.TextEmbedder(batch_size=3)
    together = embedder.embed(TEXTS)
    alone = np.vstack([embedder.embed([t]) for t in reversed(TEXTS)])[::-1]
    assert np.abs(together - alone).max() < 1e-5
    assert embedder.embed([]).shape == (0, embeddings.DIMENSIONS)
