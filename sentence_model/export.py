"""The model's transformer written as an ONNX graph, for the core's ONNX Runtime encoder.

Needs torch, so it runs in the services' environment: the knowledge service exports at its first
start, and `./baton` exports the bot's model before training (the bot has no torch). Each export
is named by the model's fingerprint, so a later start only loads it and a changed model is
exported again. Only mean-pooled sentence-transformers models (all-MiniLM-L6-v2 and its family).

    python -m sentence_model.export [MODEL_DIR] [--out DIR]   # prints the graph's path

The exports are kept in the user-level cache (sentence_model/settings.py, BATON_CACHE), where
every clone finds them.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

from sentence_model.model_dir import default_model_path, export_path, mean_pooled
from sentence_model.settings import SentenceModelSettings, keep_hub_offline

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


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
    keep_hub_offline()
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
    # Per process: two clones sharing the cache may export the same model at once.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    # The tracer warns about shape checks it turns into constants; they hold for any batch and
    # length (tests/sentence_model/test_encoder.py compares padded batches with sentence-transformers).
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


def main(argv: list[str] | None = None) -> int:
    """Export a model for a process without torch (the bot's NLU): prints the graph's path."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("model", nargs="?", default="", help="model directory (default: all-MiniLM-L6-v2)")
    parser.add_argument("--out", type=Path, default=None, help="directory of the exports (default: $BATON_CACHE/onnx)")
    args = parser.parse_args(argv)
    out = args.out or SentenceModelSettings.from_env().exports_dir
    try:
        print(exported(Path(args.model) if args.model else default_model_path(), out))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
