"""Snoozes: an escalation put aside until a time or until the customer writes (decision 0171).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RUNNING = sa.text("ended_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "escalation_snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("snoozed_at", sa.Float(), nullable=False),
        sa.Column("until", sa.Float(), nullable=True),
        sa.Column("quiet_replies", sa.Integer(), nullable=False),
        sa.Column("last_quiet_reply_at", sa.Float(), nullable=True),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.Column("ended_by", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escalation_snoozes_escalation_id", "escalation_snoozes", ["escalation_id"])
    op.create_index("ix_escalation_snoozes_until", "escalation_snoozes", ["until"])
    op.create_index("uq_escalation_snoozes_running", "escalation_snoozes", ["escalation_id"], unique=True,
                    sqlite_where=RUNNING, postgresql_where=RUNNING)


def downgrade() -> None:
    op.drop_table("escalation_snoozes")
