"""Sentence embeddings from sentence-transformers on torch: the reference the ONNX core is
checked against, the knowledge service's `KNOWLEDGE_ENCODER=torch`, and the handoff detector's
model (its thresholds were fitted on these vectors). Services' environment only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sentence_model.settings import keep_hub_offline


class TorchEncoder:
    """Unit-length embeddings (a dot product is the cosine similarity), on the CPU."""

    def __init__(self, model_dir: Path, threads: int) -> None:
        keep_hub_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        # torch's thread count is per process: the last encoder made sets it for all.
        torch.set_num_threads(threads)
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.dimensions = int(self.model.get_embedding_dimension() or 384)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One row per text, in order (float32)."""
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
