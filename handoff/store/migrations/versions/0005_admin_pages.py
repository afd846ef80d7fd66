"""Admin pages (issue 24, decision 0190): agents deactivated rather than removed, canned replies
in the store (seeded from seed/canned_replies.json), and the append-only audit of admin changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEED = Path(__file__).resolve().parents[1] / "seed" / "canned_replies.json"
# What store/agents.py wrote in place of the password hash of a removed account before 0005.
REMOVED = "!removed"

_NO_CHANGE = "audit events are append-only"
_POSTGRES_GUARD = f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{_NO_CHANGE}'; END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.add_column("agents", sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    agents = sa.table("agents", sa.column("active", sa.Boolean()), sa.column("password_hash", sa.String()))
    op.execute(agents.update().where(agents.c.password_hash == REMOVED).values(active=False))

    canned = op.create_table(
        "canned_replies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The replies that were a file until now: the seed of a store that has none.
    now = time.time()
    op.bulk_insert(canned, [
        {"id": item["id"], "title": item["title"], "team": item["team"], "text": item["text"],
         "updated_at": now, "updated_by": "system"}
        for item in json.loads(SEED.read_text())
    ])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("target", sa.String(length=160), nullable=False),
        sa.Column("before", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("after", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    # Append-only in the database itself, not only by the code's good manners.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_GUARD)
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                       f"BEGIN SELECT RAISE(ABORT, '{_NO_CHANGE}'); END")


def downgrade() -> None:
    op.drop_table("audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_table("canned_replies")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("active")
