"""The knowledge service's sentence encoder: the sentence model (sentence_model) on ONNX Runtime
or sentence-transformers, with a memo of recent queries."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from sentence_model.model_dir import default_model_path, model_name

Backend = Literal["onnx", "torch"]


class _SentenceModel(Protocol):
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


class Encoder:
    """Unit-length embeddings, so a dot product is the cosine similarity."""

    def __init__(
        self, model_path: Path | None = None, threads: int = 0, backend: Backend = "onnx",
        exports_dir: Path | None = None, memo_size: int = 4096,
    ) -> None:
        """`exports_dir`: where the onnx backend finds or makes the model's export (default: the
        user-level cache every clone shares, sentence_model/settings.py)."""
        # 0: one thread for ONNX Runtime (a second one gains nothing on a query's few dozen
        # tokens), up to two for torch; with Rasa and the other services keeping the cores busy,
        # torch's two threads wait on each other (docs/benchmarks.md).
        if threads <= 0:
            threads = 1 if backend == "onnx" else max(1, min(2, os.cpu_count() or 1))
        # NumPy's OpenBLAS threads spin after each product (passage scores, the classifier) and
        # took the core the model's second thread needs: p50 64 ms against 21 ms with one BLAS thread.
        threadpool_limits(limits=1, user_api="blas")
        self.path = Path(model_path) if model_path else default_model_path()
        if not self.path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {self.path}")
        self.backend = backend
        self.model: _SentenceModel
        if backend == "onnx":
            from sentence_model.encoder import OnnxEncoder
            from sentence_model.export import exported
            from sentence_model.settings import SentenceModelSettings

            exports = exports_dir or SentenceModelSettings.from_env().exports_dir
            self.model = OnnxEncoder(self.path, exported(self.path, exports), threads)
        elif backend == "torch":
            from sentence_model.torch_encoder import TorchEncoder

            self.model = TorchEncoder(self.path, threads)
        else:
            raise ValueError(f"unknown encoder backend {backend!r}: onnx or torch")
        # The name keys the embedding cache; both backends give the same vectors to 1e-5
        # (tests/sentence_model/test_encoder.py), so they share it.
        self.name = model_name(self.path)
        # Customers ask the same few questions over and over; a repeat costs no forward pass.
        self.memo_size = memo_size
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._memo_lock = threading.Lock()

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text; the texts not seen recently go through the model in one batch."""
        found: dict[str, np.ndarray] = {}
        with self._memo_lock:  # searches run on several threads of the server's pool
            for text in texts:
                if text in self._memo:
                    self._memo.move_to_end(text)
                    found[text] = self._memo[text]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(zip(missing, self.encode(missing), strict=True))
            found.update(fresh)
            with self._memo_lock:
                self._memo.update(fresh)
                while len(self._memo) > self.memo_size:
                    self._memo.popitem(last=False)
        return np.stack([found[text] for text in texts])

    def clear_query_cache(self) -> None:
        with self._memo_lock:
            self._memo.clear()

    def known_words(self) -> set[str]:
        """The whole English words of the model's WordPiece vocabulary (none if it has none):
        words a customer may use correctly even though the help centre never does."""
        vocab = self.path / "vocab.txt"
        if not vocab.exists():
            return set()
        return {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.islower()}

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.model.encode(texts, batch_size=batch_size)
