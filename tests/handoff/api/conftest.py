from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.handoff.api.harness import Server, handoff_settings
from tests.handoff.databases import database, database_url, postgres_url

__all__ = ["database", "database_url", "postgres_url"]


@pytest.fixture
async def server(redis_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    """One handoff replica on real Redis and a SQLite file (the store's tests cover PostgreSQL)."""
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path)
    async with Server(settings) as running:
        yield running
