"""SLA clocks: first-response, next-response and resolution targets per escalation (decision 0205).

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_clocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("team", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("target_seconds", sa.Float(), nullable=False),
        sa.Column("warn_at", sa.Float(), nullable=True),
        sa.Column("due_at", sa.Float(), nullable=True),
        sa.Column("stopped_at", sa.Float(), nullable=True),
        sa.Column("stopped_by", sa.String(length=16), nullable=True),
        sa.Column("warned_at", sa.Float(), nullable=True),
        sa.Column("breached_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sla_clocks_escalation_id", "sla_clocks", ["escalation_id"])
    op.create_index("ix_sla_clocks_warn_at", "sla_clocks", ["warn_at"])
    op.create_index("ix_sla_clocks_due_at", "sla_clocks", ["due_at"])
    op.create_index("uq_sla_clocks_running", "sla_clocks", ["escalation_id", "kind"], unique=True,
                    sqlite_where=sa.text("stopped_at IS NULL"), postgresql_where=sa.text("stopped_at IS NULL"))


def downgrade() -> None:
    op.drop_table("sla_clocks")
