"""Database fixtures for the agent-side tests: every store test runs on SQLite and on
PostgreSQL. PostgreSQL is the server on 127.0.0.1:5432, user postgres (HANDOFF_TEST_POSTGRES_URL to change);
each test session creates its own database baton_test_<random> and drops it afterwards.
Without a reachable server the PostgreSQL variant is skipped, except in CI (CI=1), where
that is a failure. Import these fixtures in a conftest.py."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from alembic import command
from psycopg import sql
from sqlalchemy import Engine, MetaData, text

from handoff.store import Database
from handoff.store.schema import alembic_config

ADMIN_URL = os.environ.get("HANDOFF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@contextmanager
def scratch_database() -> Iterator[str | None]:
    """A fresh database on the PostgreSQL server, dropped afterwards; None where no server
    answers (in CI that is a failure: .ci/run starts one)."""
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL not reachable at {ADMIN_URL} ({str(error).strip().splitlines()[0]})"
        if in_ci():
            pytest.fail(f"{message}; CI must run the PostgreSQL variant (.ci/run starts the server)")
        yield None
        return
    name = f"baton_test_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield _with_db(name)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session."""
    with scratch_database() as url:
        if url is None:
            pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: the PostgreSQL variant of the store tests is "
                        "skipped; start PostgreSQL or set HANDOFF_TEST_POSTGRES_URL to run it")
        yield url


def _with_db(name: str) -> str:
    head, _, _ = ADMIN_URL.rpartition("/")
    return f"{head}/{name}"


def empty(engine: Engine) -> None:
    """Drop every table, Alembic's included: the next start migrates from nothing."""
    with engine.begin() as connection:
        tables = MetaData()
        tables.reflect(connection)
        tables.drop_all(connection)


def at_revision(url: str, revision: str, rows_sql: str) -> Database:
    """A store emptied, migrated only up to `revision` and given `rows_sql` there, not started: a
    migration's test starts it (which migrates to the head, as a replica does) and reads what the
    migrations after `revision` made of those rows."""
    db = Database(url)
    empty(db.engine)
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
        connection.execute(text(rows_sql))
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'handoff.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A started database (migrated from nothing) with empty tables."""
    db = Database(database_url)
    empty(db.engine)
    await db.start()
    yield db
    await db.close()
