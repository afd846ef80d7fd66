"""Follow-up tasks the bot promised: the stream entry that made each one (decision 0220).

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("followup_tasks", sa.Column("source_entry", sa.String(length=64), nullable=True))
    op.create_index("ix_followup_tasks_source_entry", "followup_tasks", ["source_entry"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_followup_tasks_source_entry", table_name="followup_tasks")
    with op.batch_alter_table("followup_tasks") as batch:
        batch.drop_column("source_entry")
