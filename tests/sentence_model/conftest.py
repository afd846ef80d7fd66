"""The packaged model and its ONNX export, made once per session (the export needs torch: the
services' environment, where these tests run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentence_model.model_dir import default_model_path


@pytest.fixture(scope="session")
def base_model() -> Path:
    return default_model_path()


@pytest.fixture(scope="session")
def base_graph(base_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sentence_model.export import exported

    return exported(base_model, tmp_path_factory.mktemp("onnx"))
