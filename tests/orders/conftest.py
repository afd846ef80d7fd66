"""Fixtures for the order backends: a fresh demo store per test, and the shop API stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from orders.demo_store import DemoStore
from tests.orders.shop_api_server import ShopApiServer

# A fixed seeding moment makes every relative date in the story checkable to the day.
SEEDED_AT = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> DemoStore:
    return DemoStore.open(tmp_path / "orders.db", now=SEEDED_AT)


@pytest.fixture
def live_store(tmp_path: Path) -> DemoStore:
    """Seeded now, for the HTTP server, which (like a real shop) uses its own clock."""
    return DemoStore.open(tmp_path / "live.db")


@pytest.fixture
def shop_api(live_store: DemoStore) -> Iterator[ShopApiServer]:
    server = ShopApiServer(live_store).start()
    yield server
    server.stop()
