"""all-MiniLM-L6-v2 sentence embeddings in plain NumPy, for the bot's Python 3.10 environment.

Why not torch or ONNX Runtime here: Rasa 3.6's environment would need its own torch (the CPU
build on this machine's disk is for Python 3.11 only; PyPI's is several GB with CUDA) or an
exported ONNX graph and a runtime that agrees with Rasa's pinned NumPy 1.23. The model is a
6-layer BERT with 384 dimensions, so its forward pass is a dozen matrix products per layer;
NumPy does them from the very weights sentence-transformers uses (`model.safetensors`), and
tests/knowledge/test_minilm_numpy.py checks the embeddings against sentence-transformers.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bot.components.minilm.wordpiece import WordPiece

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file (an 8-byte header length, a JSON header, raw data)."""
    raw = path.read_bytes()
    (header_length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_length])
    data = memoryview(raw)[8 + header_length :]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=_DTYPES[spec["dtype"]]).reshape(spec["shape"])
        tensors[name] = array.astype(np.float32) if array.dtype == np.float16 else array
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, x * Phi(x); the erf comes from a rational approximation (error < 1.5e-7)
    # because NumPy has no erf and SciPy's would be one more import for one function.
    z = x * np.float32(2.0 ** -0.5)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return 0.5 * x * (1.0 + erf)


class MiniLM:
    """A sentence-transformers BERT model directory (mean pooling, normalised) run with NumPy."""

    def __init__(self, model_dir: Path, max_length: int | None = None) -> None:
        config = json.loads((model_dir / "config.json").read_text())
        st_config_path = model_dir / "sentence_bert_config.json"
        st_config = json.loads(st_config_path.read_text()) if st_config_path.exists() else {}
        self.max_length = max_length or int(st_config.get("max_seq_length", 256))
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dimensions = int(config["hidden_size"])
        self.tokenizer = WordPiece.from_file(model_dir / "vocab.txt")
        weights = read_safetensors(model_dir / "model.safetensors")
        # Some exports prefix every name with "bert."; the rest of the code expects none.
        self.w = {name.removeprefix("bert."): value for name, value in weights.items()}
        # Transposed once here so every product below is x @ W.
        for name in list(self.w):
            if name.endswith(".weight") and self.w[name].ndim == 2 and "embeddings" not in name:
                self.w[name] = np.ascontiguousarray(self.w[name].T)

    def _layer(self, i: int, x: np.ndarray, shape: tuple, mask_bias: np.ndarray) -> np.ndarray:
        # x is (batch * length, dim): NumPy sends 2-D products to BLAS, while a 3-D array times
        # a matrix takes a loop that was 17 times slower here.
        w = self.w
        p = f"encoder.layer.{i}."
        batch, length, dim = shape
        head_dim = dim // self.heads

        def heads(name: str) -> np.ndarray:
            y = x @ w[p + f"attention.self.{name}.weight"] + w[p + f"attention.self.{name}.bias"]
            return np.ascontiguousarray(y.reshape(batch, length, self.heads, head_dim).transpose(0, 2, 1, 3))

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) * np.float32(head_dim ** -0.5) + mask_bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, dim)
        attended = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
        x = _layer_norm(attended + x, w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"], self.eps)
        hidden = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
        out = hidden @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
        return _layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        w = self.w
        tokens, mask = padded(ids)
        length = tokens.shape[1]
        x = (w["embeddings.word_embeddings.weight"][tokens]
             + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        mask_bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        shape = x.shape
        x = x.reshape(-1, shape[-1])
        for i in range(self.layers):
            x = self._layer(i, x, shape, mask_bias)
        return normalised_mean(x.reshape(shape), mask)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One normalised 384-dimensional vector per text (float32)."""
        ids = [self.tokenizer.encode(text, self.max_length) for text in texts]
        return encode_in_batches(ids, self.dimensions, batch_size, self._forward)


def padded(ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded with 0 to the longest row, and the mask of real tokens (1.0)."""
    length = max(len(row) for row in ids)
    tokens = np.zeros((len(ids), length), dtype=np.int64)
    mask = np.zeros((len(ids), length), dtype=np.float32)
    for row, sequence in enumerate(ids):
        tokens[row, : len(sequence)] = sequence
        mask[row, : len(sequence)] = 1.0
    return tokens, mask


def normalised_mean(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling over the real tokens, scaled to unit length."""
    pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def encode_in_batches(ids: list[list[int]], dimensions: int, batch_size: int,
                      forward: Callable[[list[list[int]]], np.ndarray]) -> np.ndarray:
    """`forward` over batches of similar length, the rows put back in the order of `ids`."""
    # Sorting by length keeps padding, and so wasted work, small within each batch.
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), dimensions), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        out[chosen] = forward([ids[i] for i in chosen])
    return out
