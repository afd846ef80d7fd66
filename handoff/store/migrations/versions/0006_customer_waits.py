"""Customer waits: who wrote last in an escalation, for auto-resolve (decision 0197).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_waits",
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("agent_at", sa.Float(), nullable=True),
        sa.Column("customer_at", sa.Float(), nullable=True),
        sa.Column("claimed_at", sa.Float(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("resolved_at", sa.Float(), nullable=True),
        sa.Column("told_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"]),
        sa.PrimaryKeyConstraint("escalation_id"),
    )
    op.create_index("ix_customer_waits_agent_at", "customer_waits", ["agent_at"])


def downgrade() -> None:
    op.drop_table("customer_waits")
