"""Each conversation's starts and hand-over steps in brief (decision 0260): the table containment,
its trend and "came back" read instead of grouping the events, counted from the events already
stored.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_conversations",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("irregular", sa.Boolean(), nullable=False),
        sa.Column("starts", sa.Integer(), nullable=False),
        *(sa.Column(f"{edge}_{name}", sa.Float(), nullable=True)
          for name in ("start", "asked", "claimed", "unstaffed", "back") for edge in ("first", "last")),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_index("ix_reporting_conversations_first_start", "reporting_conversations", ["first_start"])
    # The backfill: one grouped pass over the events, in this migration's transaction, so a store
    # is never seen with the table and without its rows.
    from handoff.store import conversation_flags

    conversation_flags.rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_index("ix_reporting_conversations_first_start", table_name="reporting_conversations")
    op.drop_table("reporting_conversations")
