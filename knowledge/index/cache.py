"""Embeddings cached on disk by content hash: an unchanged help centre is indexed at start
without running the model, and a changed passage is re-encoded."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import numpy as np

from knowledge.articles import Passage
from knowledge.index.dense import Encoder


def content_hash(model_name: str, texts: list[str]) -> str:
    sha = hashlib.sha256(model_name.encode())
    for text in texts:
        sha.update(b"\0" + text.encode())
    return sha.hexdigest()[:24]


def cached_text_embeddings(encoder: Encoder, texts: list[str], cache_dir: Path) -> np.ndarray:
    path = cache_dir / f"embeddings-{content_hash(encoder.name, texts)}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = encoder.encode(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # A name of this process's own: replicas starting at once each write the same cache, and a
    # shared temporary name let one move the other's file away under it (a replica failed to start).
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.npy")
    try:
        np.save(tmp, vectors)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return vectors


def cached_embeddings(encoder: Encoder, passages: list[Passage], cache_dir: Path) -> np.ndarray:
    return cached_text_embeddings(encoder, [p.search_text for p in passages], cache_dir)
