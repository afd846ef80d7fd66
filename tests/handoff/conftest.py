"""Fixtures of the handoff tests: a running replica of the service (`server`), and the
databases every store test runs on (tests/handoff/databases.py)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.handoff.databases import database, database_url, postgres_url
from tests.handoff.harness import Server, handoff_settings

__all__ = ["database", "database_url", "postgres_url"]


@pytest.fixture
async def server(redis_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    """One handoff replica on real Redis and a SQLite file (the store's tests cover PostgreSQL)."""
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path)
    async with Server(settings) as running:
        yield running
