"""The sentence model's settings: what each environment variable changes, and the defaults."""

from __future__ import annotations

from pathlib import Path

from sentence_model.settings import SentenceModelSettings, default_cache_dir


def test_defaults_are_the_packaged_model_and_the_users_cache(tmp_path: Path) -> None:
    settings = SentenceModelSettings.from_env({"HOME": str(tmp_path)})
    assert settings.bot_model is None and settings.bot_graph is None
    assert settings.models_dir == tmp_path / ".cache" / "baton" / "models"
    assert settings.exports_dir == tmp_path / ".cache" / "baton" / "onnx"
    # Empty is unset, as ./baton and the shells that start it pass it.
    assert SentenceModelSettings.from_env({"HOME": str(tmp_path), "BATON_SENTENCE_MODEL": "",
                                           "BATON_SENTENCE_ONNX": "", "BATON_CACHE": ""}) == settings


def test_the_cache_follows_xdg_unless_named(tmp_path: Path) -> None:
    assert default_cache_dir({"HOME": "/home/x", "XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "baton"
    assert default_cache_dir({"HOME": "/home/x", "XDG_CACHE_HOME": "relative/cache"}) == Path("/home/x/.cache/baton")
    named = SentenceModelSettings.from_env({"XDG_CACHE_HOME": "/elsewhere", "BATON_CACHE": str(tmp_path / "c")})
    assert named.models_dir == tmp_path / "c" / "models" and named.exports_dir == tmp_path / "c" / "onnx"


def test_each_variable_names_its_path(tmp_path: Path) -> None:
    settings = SentenceModelSettings.from_env({
        "BATON_SENTENCE_MODEL": str(tmp_path / "model"), "BATON_SENTENCE_ONNX": str(tmp_path / "m.onnx"),
        "UNRELATED": "x",
    })
    assert settings.bot_model == tmp_path / "model" and settings.bot_graph == tmp_path / "m.onnx"
