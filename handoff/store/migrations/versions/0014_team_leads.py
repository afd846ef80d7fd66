"""Team leads: the teams an agent leads, a subset of the teams they are in (decision 0235).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every existing account leads nothing: a lead is something an admin names.
    op.add_column("agents", sa.Column("leads", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                                      server_default=sa.text("'[]'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("leads")
