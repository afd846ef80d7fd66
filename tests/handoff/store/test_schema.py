"""The store's migrations (handoff/store/schema.py) on SQLite and on PostgreSQL: they build the
models' schema, stamp a store create_all made before them without re-creating it, and two
replicas starting at once migrate it once."""

from __future__ import annotations

import threading

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from handoff.store import Database
from handoff.store.models import Base
from handoff.store.schema import BASELINE, alembic_config, current_revision, migrate
from tests.handoff.databases import empty


def head() -> str:
    with Database("sqlite://").engine.connect() as connection:
        revision = ScriptDirectory.from_config(alembic_config(connection)).get_current_head()
    assert revision
    return revision


def test_the_migrations_build_exactly_the_models_schema(database_url: str) -> None:
    db = Database(database_url)
    empty(db.engine)
    assert db.migrate() == head()
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.engine.dispose()


def test_a_store_made_before_migrations_is_stamped_and_keeps_its_rows(database_url: str) -> None:
    db = Database(database_url)
    empty(db.engine)
    # The schema create_all made before migrations is the baseline revision, without Alembic's table.
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(
            "INSERT INTO agents (id, username, display_name, password_hash, role, teams, capacity, created_at) "
            "VALUES (7, 'maya', 'Maya', 'x', 'agent', '[\"delivery\"]', 3, 1.0)"))
    assert db.migrate() == head()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM agents WHERE id = 7")).scalar_one() == "maya"
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.engine.dispose()


def test_migrating_an_up_to_date_store_changes_nothing(database_url: str) -> None:
    db = Database(database_url)
    empty(db.engine)
    db.migrate()
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO revoked_tokens (token_id, expires_at) VALUES ('t1', 5.0)"))
    assert db.migrate() == head()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM revoked_tokens")).scalar_one() == 1
    db.engine.dispose()


def test_two_replicas_starting_at_once_migrate_once(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    empty(first.engine)
    results: list[str | None] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def start(db: Database) -> None:
        barrier.wait()
        try:
            results.append(migrate(db.engine))
        except BaseException as error:  # either replica failing is what the test reports
            errors.append(error)

    threads = [threading.Thread(target=start, args=(db,)) for db in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results == [head(), head()]
    with first.engine.connect() as connection:
        assert current_revision(connection) == head()
        assert "escalations" in inspect(connection).get_table_names()
    first.engine.dispose()
    second.engine.dispose()
