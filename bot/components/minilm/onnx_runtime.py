"""all-MiniLM-L6-v2's forward pass on ONNX Runtime, for the bot's Python 3.10 environment.

The same model as `encoder.MiniLM` (its WordPiece tokenizer, mean pooling, unit length), with
the transformer run by ONNX Runtime from a graph the services' environment exports with torch
(`python -m knowledge.index.onnx_model`, run by `./baton` before training). Under load the NumPy
pass was a quarter of the Rasa process's CPU (docs/benchmarks.md, Load); ONNX Runtime does the
same arithmetic in about a third of the time. `MiniLMSentenceFeaturizer` uses it when
BATON_SENTENCE_ONNX names a graph, and checks at load that it gives the NumPy model's vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.components.minilm.encoder import encode_in_batches, normalised_mean, padded
from bot.components.minilm.wordpiece import WordPiece


class OnnxMiniLM:
    def __init__(self, graph: Path, tokenizer: WordPiece, max_length: int, dimensions: int, threads: int = 1) -> None:
        """`tokenizer`, `max_length` and `dimensions` are the NumPy model's (`MiniLM`)."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Rasa, the actions and the services share two cores; idle workers must not spin.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.tokenizer, self.max_length, self.dimensions = tokenizer, max_length, dimensions

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        tokens, mask = padded(ids)
        (hidden,) = self.session.run(None, {
            "input_ids": tokens, "attention_mask": mask.astype(np.int64), "token_type_ids": np.zeros_like(tokens)})
        return normalised_mean(hidden, mask)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One normalised vector per text (float32), as `MiniLM.encode`."""
        ids = [self.tokenizer.encode(text, self.max_length) for text in texts]
        return encode_in_batches(ids, self.dimensions, batch_size, self._forward)
