"""Item embeddings computed once and kept under var/: derived tables of data whose licence forbids
redistribution (MovieLens titles) are rebuilt at run time, never committed.

A cache file is named for what it embeds and keyed by a hash of the texts and the embedder's
`cache_key` (its implementation version and model checksum), so a changed catalogue, model or forward
pass recomputes instead of reading stale rows. An embedder without a `cache_key` is not cached.
"""

import hashlib
import os
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    """$RECOWORLD_VAR_DIR/embeddings, else var/embeddings beside the package (as the app's VAR_DIR)."""
    root = os.environ.get("RECOWORLD_VAR_DIR") or Path(__file__).resolve().parents[2] / "var"
    return Path(root) / "embeddings"


def cached_embeddings(name: str, texts: list[str], embedder) -> np.ndarray:
    """embedder.embed(texts), read from the cache when the same texts went through the same embedder."""
    version = getattr(embedder, "cache_key", None)
    if version is None:  # nothing says which vectors it makes: a class name would match stale ones
        return np.asarray(embedder.embed(texts), np.float32)
    key = hashlib.sha256("\n".join([version, *texts]).encode()).hexdigest()[:16]
    path = cache_dir() / f"{name}-{key}.npy"
    if path.is_file():
        rows = np.load(path)
        if rows.shape[0] == len(texts):
            return rows
    rows = np.asarray(embedder.embed(texts), np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(partial, rows)
    partial.replace(path)  # atomic: a reader never sees half a file
    return rows
