"""The knowledge service's app on the real help centre and the real embedding model, started
once for the package's API and help-centre tests (building its index takes about 20 s)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from knowledge.settings import PACKAGE_DIR, get_settings

TOKEN = "admin-secret"


@pytest.fixture(scope="package")
def articles_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("articles")
    for path in (PACKAGE_DIR / "articles").glob("*.md"):
        shutil.copy(path, directory / path.name)
    return directory


@pytest.fixture(scope="package")
def client(articles_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    patch = pytest.MonkeyPatch()
    patch.setenv("KNOWLEDGE_ARTICLES_DIR", str(articles_dir))
    patch.setenv("KNOWLEDGE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    patch.setenv("KNOWLEDGE_TOKEN", TOKEN)
    get_settings.cache_clear()
    from knowledge.main import app

    with TestClient(app) as test_client:
        yield test_client
    patch.undo()
    get_settings.cache_clear()
