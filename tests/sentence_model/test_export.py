"""The ONNX export: made once per model, named by its fingerprint, refused for what ONNX Runtime
cannot pool, and the command ./baton runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentence_model.export import exported, main
from sentence_model.model_dir import export_path


def test_the_export_is_reused_and_redone_for_another_model(base_model: Path, tmp_path: Path) -> None:
    first = exported(base_model, tmp_path)
    assert first == export_path(base_model, tmp_path) and first.stat().st_size > 10_000_000
    stamp = first.stat().st_mtime_ns
    assert exported(base_model, tmp_path) == first and first.stat().st_mtime_ns == stamp
    # A copy of the model with one changed file is another model: exported under another name.
    copy = tmp_path / "changed-model"
    shutil.copytree(base_model, copy)
    (copy / "vocab.txt").write_text((copy / "vocab.txt").read_text() + "\n")
    other = exported(copy, tmp_path)
    assert other != first and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted([first.name, other.name])  # no .tmp


def test_a_model_that_is_not_mean_pooled_is_not_exported(base_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cls-model"
    shutil.copytree(base_model, copy)
    (copy / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    with pytest.raises(ValueError, match="mean-pooled"):
        exported(copy, tmp_path / "onnx")
    assert not (tmp_path / "onnx").exists()


def test_the_command_prints_the_graph_and_refuses_clearly(
    base_model: Path, base_graph: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BATON_CACHE", str(tmp_path))
    kept = export_path(base_model, tmp_path / "onnx")
    kept.parent.mkdir()
    shutil.copy(base_graph, kept)  # exported before: found in BATON_CACHE, not exported again
    assert main([]) == 0
    assert capsys.readouterr().out.strip() == str(kept)
    assert main([str(base_model), "--out", str(base_graph.parent)]) == 0
    assert capsys.readouterr().out.strip() == str(base_graph)
    with pytest.raises(SystemExit) as refused:
        main([str(tmp_path), "--out", str(tmp_path)])
    assert refused.value.code == 2 and "mean-pooled" in capsys.readouterr().err
