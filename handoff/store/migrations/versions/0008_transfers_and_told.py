"""Transfers with the receiving agent's note, and the engine's own messages to the customer
(decision 0185).

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0010"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "escalation_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("by_name", sa.String(length=120), nullable=False),
        sa.Column("to_agent_id", sa.Integer(), nullable=True),
        sa.Column("to_team", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("unanswered", Json, nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"]),
        sa.ForeignKeyConstraint(["to_agent_id"], ["agents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escalation_transfers_escalation_id", "escalation_transfers", ["escalation_id"])
    op.create_table(
        "escalation_told",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escalation_told_escalation_id", "escalation_told", ["escalation_id"])
    op.create_index("uq_escalation_told_line", "escalation_told", ["escalation_id", "line_id"], unique=True)


def downgrade() -> None:
    op.drop_table("escalation_told")
    op.drop_table("escalation_transfers")
