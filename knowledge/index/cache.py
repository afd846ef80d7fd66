"""Passage embeddings cached on disk by content hash: an unchanged help centre is
indexed at start without running the model, and a changed passage is re-encoded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from knowledge.articles import Passage
from knowledge.index.dense import Encoder


def content_hash(model_name: str, passages: list[Passage]) -> str:
    sha = hashlib.sha256(model_name.encode())
    for passage in passages:
        sha.update(b"\0" + passage.search_text.encode())
    return sha.hexdigest()[:24]


def cached_embeddings(encoder: Encoder, passages: list[Passage], cache_dir: Path) -> np.ndarray:
    path = cache_dir / f"embeddings-{content_hash(encoder.name, passages)}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(passages):
            return vectors
    vectors = encoder.encode([p.search_text for p in passages])
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors
