"""The sentence model's settings: what each environment variable changes, and the defaults."""

from __future__ import annotations

from pathlib import Path

from sentence_model.settings import ROOT, SentenceModelSettings


def test_defaults_are_the_packaged_model_and_the_clones_var() -> None:
    settings = SentenceModelSettings.from_env({})
    assert settings.bot_model is None and settings.bot_graph is None
    assert settings.models_dir == ROOT / "var" / "models" and settings.exports_dir == ROOT / "var" / "onnx"
    # Empty is unset, as ./baton and the shells that start it pass it.
    assert SentenceModelSettings.from_env({"BATON_SENTENCE_MODEL": "", "BATON_SENTENCE_ONNX": "",
                                           "BATON_VAR": ""}) == settings


def test_each_variable_names_its_path(tmp_path: Path) -> None:
    settings = SentenceModelSettings.from_env({
        "BATON_SENTENCE_MODEL": str(tmp_path / "model"), "BATON_SENTENCE_ONNX": str(tmp_path / "m.onnx"),
        "BATON_VAR": str(tmp_path / "var"), "UNRELATED": "x",
    })
    assert settings.bot_model == tmp_path / "model" and settings.bot_graph == tmp_path / "m.onnx"
    assert settings.models_dir == tmp_path / "var" / "models"
    assert settings.exports_dir == tmp_path / "var" / "onnx"
