"""The database connection: a synchronous SQLAlchemy engine whose units of work run in a
small thread pool, so the event loop never blocks on the database.

Synchronous on purpose: it needs only the stdlib sqlite3 driver and psycopg 3, both in the
locked environment, and each unit of work is one short transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Accept the URLs people write (postgres://, postgresql://, sqlite+aiosqlite://) and pick our drivers."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite")
    else:
        raise ValueError(f"HANDOFF_DATABASE_URL must be a sqlite:/// or postgresql:// URL, not {backend}://")
    return parsed.render_as_string(hide_password=False)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: two transactions that read and then write
        # (a claim race) queue on the busy timeout instead of one failing with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    def __init__(self, url: str, *, workers: int = 8) -> None:
        self.url = normalize_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=workers, max_overflow=0)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="handoff-db")

    def migrate(self) -> str | None:
        """Bring the schema to the newest revision (handoff/store/schema.py); returns it."""
        from handoff.store.schema import migrate  # Alembic only where the schema is touched

        return migrate(self.engine)

    async def start(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self.migrate)

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run one unit of work in a transaction, in a worker thread; commit if it returns."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._transaction, work)

    def _transaction(self, work: Callable[[Session], T]) -> T:
        with self._sessions.begin() as session:
            return work(session)

    async def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)})"
