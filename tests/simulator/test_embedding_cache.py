"""The item-embedding cache under var/embeddings: a changed embedder recomputes, never reuses."""

import numpy as np
import pytest

from simulator.representations import embeddings
from simulator.representations.cache import cache_dir, cached_embeddings


class LengthEmbedder:
    """Vectors from the texts' lengths times `scale`: two scales are two different models."""

    def __init__(self, scale: float):
        self.scale = scale
        self.calls = 0

    @property
    def cache_key(self) -> str:
        return f"length-x{self.scale}"

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.array([[len(t) * self.scale, 1.0] for t in texts], np.float32)


TEXTS = ["Toy Story (1995)", "GoldenEye (1995)", "Heat"]


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RECOWORLD_VAR_DIR", str(tmp_path))


def test_the_same_embedder_reads_its_vectors_back():
    first = LengthEmbedder(1.0)
    again = LengthEmbedder(1.0)
    rows = cached_embeddings("films", TEXTS, first)
    assert np.array_equal(cached_embeddings("films", TEXTS, again), rows)
    assert (first.calls, again.calls) == (1, 0)


def test_a_changed_model_of_the_same_class_recomputes():
    old = cached_embeddings("films", TEXTS, LengthEmbedder(1.0))
    new_model = LengthEmbedder(2.0)
    new = cached_embeddings("films", TEXTS, new_model)
    assert new_model.calls == 1 and np.array_equal(new[:, 0], 2.0 * old[:, 0])


def test_an_embedder_that_cannot_say_what_it_is_is_not_cached():
    class Anonymous:
        def embed(self, texts):
            return np.ones((len(texts), 2), np.float32)

    assert cached_embeddings("films", TEXTS, Anonymous()).shape == (3, 2)
    assert not cache_dir().exists()


@pytest.mark.skipif(embeddings.model_path() is None, reason="all-MiniLM-L6-v2 missing: make install")
def test_minilm_key_names_the_implementation_and_the_model_files(monkeypatch):
    key = embeddings.TextEmbedder().cache_key
    assert embeddings.model_checksum(embeddings.model_path()) in key
    monkeypatch.setattr(embeddings, "IMPLEMENTATION", embeddings.IMPLEMENTATION + 1)
    assert embeddings.TextEmbedder().cache_key != key
