"""Sentence embeddings on ONNX Runtime: the model's own tokenizer (Hugging Face `tokenizers`,
from its tokenizer.json), the transformer from its ONNX export, sentence-transformers' mean
pooling, unit length.

Why ONNX Runtime: PyTorch spends most of a short text's time in per-operator overhead, not
arithmetic; ONNX Runtime runs the same graph with the same weights two to three times faster on
two cores, and installs in the bot's environment, where torch does not. The vectors equal
sentence-transformers' to 1e-5 (tests/sentence_model/test_encoder.py). The export itself needs
torch: `python -m sentence_model.export` in the services' environment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sentence_model.model_dir import dimensions, max_length, mean_pooled

# A text joins a batch only if it is at most this much longer than the batch's shortest text.
# The model's time grows with the padded tokens, batch x longest, while a call of its own adds
# little, so padding short texts to a long one is the waste (it shortened the search's latency
# tail, docs/benchmarks.md).
PADDING_SLACK = 1.25


def batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Positions of the texts grouped by similar token length, shortest first."""
    made: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        current = made[-1] if made else None
        if current and len(current) < batch_size and lengths[i] <= PADDING_SLACK * lengths[current[0]]:
            current.append(i)
        else:
            made.append([i])
    return made


class OnnxEncoder:
    """Unit-length, mean-pooled sentence embeddings (a dot product is the cosine similarity)."""

    def __init__(self, model_dir: Path, graph: Path, threads: int = 1) -> None:
        """`graph` is the export of `model_dir` (sentence_model.export); `threads` the forward pass's."""
        import onnxruntime
        from tokenizers import Tokenizer

        if not mean_pooled(model_dir):
            raise ValueError(f"{model_dir}: only mean-pooled sentence-transformers models run on ONNX Runtime")
        self.path = graph
        self.dimensions = dimensions(model_dir)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # The processes share two cores; idle workers must not spin on the core another needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length(model_dir))
        self.tokenizer.no_padding()

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's token ids, [CLS] and [SEP] included, truncated as sentence-transformers does."""
        return [list(encoding.ids) for encoding in self.tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One row per text, in order (float32)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        if not encodings:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        rows: list[np.ndarray] = [np.empty(0, dtype=np.float32)] * len(encodings)
        for batch in batches([len(e.ids) for e in encodings], batch_size):
            for position, vector in zip(batch, self._forward([encodings[i] for i in batch]), strict=True):
                rows[position] = vector
        return np.stack(rows)

    def _forward(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        (hidden,) = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
