"""The trained model's name covers the sentence model too: `./baton` retrains when
BATON_SENTENCE_MODEL names another model, and only then."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentence_model.model_dir import default_model_path
from stack.train_bot import model_name


def test_another_sentence_model_gives_another_model_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATON_SENTENCE_MODEL", raising=False)
    packaged = model_name()
    assert packaged.startswith("baton-") and model_name() == packaged
    copy = tmp_path / "copy"
    shutil.copytree(default_model_path(), copy)
    monkeypatch.setenv("BATON_SENTENCE_MODEL", str(copy))
    assert model_name() == packaged  # the same files: the trained model still fits
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("}", ', "note": "tuned"}', 1))
    assert model_name() != packaged  # another model: train again
