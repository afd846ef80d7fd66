"""Alembic's environment: always run by handoff/store/schema.py on a connection it opened (in a
transaction, holding the migration lock), never with a URL of its own."""

from __future__ import annotations

from alembic import context

from handoff.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the handoff store's migrations with handoff.store.schema.migrate(), "
                       "or `python -m handoff.store.schema`")

context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
