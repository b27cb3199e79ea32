"""The words a post is read by, and their embeddings (all-MiniLM-L6-v2, simulator.representations)."""

import hashlib
import os
from functools import cache
from pathlib import Path

import numpy as np

from simulator.representations.embeddings import TextEmbedder

# A YouTube video is read by its title and first tags: short-video captions with hashtags run to a few
# dozen words, and the first tags are the ones the uploader chose first (the rest repeat them).
YOUTUBE_TAGS = 10


def draft_text(*, caption: str = "", hashtags=(), on_screen_text: str = "", title: str = "") -> str:
    """One string: title, caption, hashtags (as words) and any text read off the frames."""
    tags = " ".join("#" + h.lstrip("#") for h in hashtags if h.strip("# "))
    return " ".join(part.strip() for part in (title, caption, tags, on_screen_text) if part and part.strip())


def youtube_text(title: str, tags) -> str:
    """A trending video's title and first tags (phrases, kept as words)."""
    return draft_text(title=title, caption=", ".join(list(tags)[:YOUTUBE_TAGS]))


@cache
def embedder() -> TextEmbedder:
    """One embedder per process: the weights load once."""
    return TextEmbedder()


def embed(texts: list[str]) -> np.ndarray:
    return embedder().embed(list(texts))


def cache_dir() -> Path:
    """Where bulk embeddings of the fitting data are kept between runs ($SIM_CACHE_DIR)."""
    return Path(os.environ.get("SIM_CACHE_DIR") or Path.home() / ".cache" / "recoworld-simulator")


def embed_cached(texts: list[str]) -> np.ndarray:
    """embed(), kept on disk by the texts' checksum: the fit and the evaluation embed the same
    thousands of titles, which takes minutes on two cores."""
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:24]
    path = cache_dir() / f"minilm-{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = embed(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors
