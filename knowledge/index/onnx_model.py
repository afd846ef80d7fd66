"""A sentence-transformers BERT model run by ONNX Runtime: exported once, cached on disk.

Why: the knowledge service embeds every new question, and PyTorch spends most of a short
query's time in per-operator overhead, not arithmetic. ONNX Runtime runs the same graph with
the same weights two to three times faster on this machine's two cores (docs/benchmarks.md),
which is what the 30 ms p95 target needs. The graph is exported from the model directory with
torch at the first start and kept under the cache directory, named by a hash of the model's
files, so a later start only loads it and a changed model is exported again.

Only models that sentence-transformers pools by the mean of the token vectors (all-MiniLM-L6-v2
and its family) are supported; anything else stays on the torch backend.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.index.dense import default_model_path, model_name

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def model_fingerprint(model_dir: Path) -> str:
    """A hash of the files that define the forward pass (config, weights, vocabulary)."""
    sha = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json", "vocab.txt"):
        path = model_dir / name
        if path.exists():
            sha.update(name.encode() + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    sha.update(block)
    return sha.hexdigest()[:16]


def mean_pooled(model_dir: Path) -> bool:
    """Whether sentence-transformers pools this model by the mean of its token vectors."""
    pooling = model_dir / "1_Pooling" / "config.json"
    if not pooling.exists():
        return False
    config = json.loads(pooling.read_text())
    modes = {key for key, on in config.items() if key.startswith("pooling_mode") and on}
    return modes == {"pooling_mode_mean_tokens"}


def max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    return int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.exists() else 256


def export_path(model_dir: Path, directory: Path) -> Path:
    """Where the export of this model goes: named by the model and a hash of its files."""
    return directory / f"{model_name(model_dir)}-{model_fingerprint(model_dir)}.onnx"


def exported(model_dir: Path, directory: Path) -> Path:
    """The model's graph in `directory`, exported first if it is not there yet."""
    if not mean_pooled(model_dir):
        raise ValueError(f"{model_dir}: only mean-pooled sentence-transformers models run on ONNX Runtime")
    target = export_path(model_dir, directory)
    if not target.exists():
        export(model_dir, target)
    return target


def export(model_dir: Path, target: Path) -> None:
    """Write the transformer (without pooling) as an ONNX graph with dynamic batch and length."""
    import torch
    from transformers import AutoModel

    class Transformer(torch.nn.Module):
        # Keyword arguments: the positional order of forward() differs between transformers releases.
        def __init__(self) -> None:
            super().__init__()
            self.inner = AutoModel.from_pretrained(str(model_dir))

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            output = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return output.last_hidden_state

    model = Transformer().eval()
    example = {name: torch.ones((2, 8), dtype=torch.long) for name in _INPUTS}
    example["token_type_ids"] = torch.zeros((2, 8), dtype=torch.long)
    dynamic = {0: "batch", 1: "length"}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    # The tracer warns about shape checks it turns into constants; they hold for any batch and
    # length (tests/knowledge/test_onnx_model.py compares padded batches with sentence-transformers).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (example["input_ids"], example["attention_mask"], example["token_type_ids"]),
            str(tmp),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={**{name: dynamic for name in _INPUTS}, "last_hidden_state": dynamic},
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(target)


class OnnxSentenceModel:
    """Unit-length, mean-pooled sentence embeddings from an ONNX export of the model."""

    def __init__(self, model_dir: Path, cache_dir: Path, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.path = exported(model_dir, cache_dir / "onnx")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Spinning workers would take the core the other services need between queries.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length(model_dir))
        self.tokenizer.no_padding()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        if not encodings:
            return np.zeros((0, 0), dtype=np.float32)
        rows: list[np.ndarray] = [np.empty(0, dtype=np.float32)] * len(encodings)
        for batch in _batches([len(e.ids) for e in encodings], batch_size):
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


# A text joins a batch only if it is at most this much longer than the batch's shortest text.
# The model's time grows with the padded tokens, batch x longest, while a call of its own adds
# little, so padding short texts to a long one is the waste (docs/benchmarks.md, "a shorter
# latency tail").
PADDING_SLACK = 1.25


def _batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Positions of the texts grouped by similar token length, shortest first."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        current = batches[-1] if batches else None
        if current and len(current) < batch_size and lengths[i] <= PADDING_SLACK * lengths[current[0]]:
            current.append(i)
        else:
            batches.append([i])
    return batches


def main(argv: list[str] | None = None) -> int:
    """Export a model for a process without torch (the bot's NLU): prints the graph's path."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("model", nargs="?", default="", help="model directory (default: all-MiniLM-L6-v2)")
    parser.add_argument("--out", type=Path, required=True, help="directory of the exports")
    args = parser.parse_args(argv)
    try:
        print(exported(Path(args.model) if args.model else default_model_path(), args.out))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
