"""Reporting indexes for the reports at scale (issue 22, decision 0202): the (kind, at) index
covers the short columns the reports read, in PostgreSQL (INCLUDE; SQLite has no INCLUDE and keeps
it as it was), and (sender_id, kind, at) serves the reports' per-conversation look-ups. The long
columns (detail, customer) stay out: a btree row must fit 2,704 bytes whatever a customer sent.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COVERED = ["sender_id", "channel", "team", "value", "reason", "agent"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_reporting_events_kind_at", table_name="reporting_events")
        op.create_index("ix_reporting_events_kind_at", "reporting_events", ["kind", "at"],
                        postgresql_include=COVERED)
    op.create_index("ix_reporting_events_sender_kind_at", "reporting_events", ["sender_id", "kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_reporting_events_sender_kind_at", table_name="reporting_events")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_reporting_events_kind_at", table_name="reporting_events")
        op.create_index("ix_reporting_events_kind_at", "reporting_events", ["kind", "at"])
