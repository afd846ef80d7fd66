"""The store's schema, brought up to date by Alembic when the service starts (decision 0170).

- A new database gets every revision in handoff/store/migrations/versions/, from the first.
- A database that create_all made before migrations existed (tables, no alembic_version) is
  stamped with the first revision, which is that schema, and then upgraded: nothing is re-created.
- Replicas starting at once migrate one after the other: the whole check-and-upgrade is one
  transaction holding a PostgreSQL advisory lock, or SQLite's write lock (BEGIN IMMEDIATE, db.py).

`python -m handoff.store.schema` migrates the configured database (HANDOFF_DATABASE_URL);
`python -m handoff.store.schema revision "what changed"` writes a new revision from the models'
difference to the head (review it: autogenerate misses renames and server defaults).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, inspect, text

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The revision that is the schema create_all made before migrations: what an old store is stamped with.
BASELINE = "0001"
# Any fixed 64-bit number, the same in every replica: the advisory lock the migration holds.
POSTGRES_LOCK_KEY = 0x0BA7_0170


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> str | None:
    """Bring the database to the newest revision; returns it."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
        config = alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and "escalations" in tables:
            logger.info("store made before migrations: stamped with revision %s", BASELINE)
            command.stamp(config, BASELINE)
        before = current_revision(connection)
        command.upgrade(config, "head")
        after = current_revision(connection)
        if before != after:
            logger.info("store migrated from revision %s to %s", before, after)
        return after


def write_revision(message: str) -> None:
    """Autogenerate a revision: the models against a scratch SQLite database at the head."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        migrate(engine)
        with engine.begin() as connection:
            # Revisions are numbered in order (0001, 0002, ...): the history reads like a list.
            number = len(list((MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))) + 1
            command.revision(alembic_config(connection), message=message, autogenerate=True, rev_id=f"{number:04d}")
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m handoff.store.schema", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("upgrade", help="migrate HANDOFF_DATABASE_URL to the newest revision (the default)")
    revision = sub.add_parser("revision", help="write a new revision from the models")
    revision.add_argument("message")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "revision":
        write_revision(args.message)
        return
    from handoff.settings import HandoffSettings
    from handoff.store.db import Database

    database = Database(HandoffSettings().effective_database_url, workers=1)
    try:
        print(f"{database!r} at revision {database.migrate()}")
    finally:
        database.engine.dispose()


if __name__ == "__main__":
    main()
