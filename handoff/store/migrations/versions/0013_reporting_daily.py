"""The daily rollup of the reporting events (decision 0230), counted from the events already
stored; a partial index for the help-centre votes with a visitor id, which the answers report
reads from the events (a visitor's latest vote in the period); and one for each conversation's
starts, which "came back" and the repeat contacts group by conversation, and two for each
conversation's answers, the one covering the article where the ids fit an index row (decision 0231).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

VISITOR_VOTES = sa.text("kind = 'help_vote' AND customer IS NOT NULL")
STARTS = sa.text("kind = 'conversation_started'")
SHORT_ANSWERS = sa.text("kind = 'article_answered' AND length(detail) <= 160 AND length(sender_id) <= 160")
LONG_ANSWERS = sa.text("kind = 'article_answered' AND (length(detail) > 160 OR length(sender_id) > 160)")


def upgrade() -> None:
    op.create_table(
        "reporting_daily",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("team", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_reporting_daily_kind_day", "reporting_daily", ["kind", "day"])
    op.create_index("ix_reporting_events_visitor_votes", "reporting_events", ["at"],
                    postgresql_where=VISITOR_VOTES, sqlite_where=VISITOR_VOTES)
    op.create_index("ix_reporting_events_starts", "reporting_events", ["sender_id", "at"],
                    postgresql_where=STARTS, sqlite_where=STARTS)
    op.create_index("ix_reporting_events_answers", "reporting_events", ["sender_id", "at"],
                    postgresql_include=["detail"], postgresql_where=SHORT_ANSWERS, sqlite_where=SHORT_ANSWERS)
    op.create_index("ix_reporting_events_long_answers", "reporting_events", ["sender_id", "at"],
                    postgresql_where=LONG_ANSWERS, sqlite_where=LONG_ANSWERS)
    # The backfill: the rollup's own recount (one grouped pass over the events), in this
    # migration's transaction, so a store is never seen with the table and without its counts.
    from handoff.store import rollup

    rollup.rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_index("ix_reporting_events_long_answers", table_name="reporting_events")
    op.drop_index("ix_reporting_events_answers", table_name="reporting_events")
    op.drop_index("ix_reporting_events_starts", table_name="reporting_events")
    op.drop_index("ix_reporting_events_visitor_votes", table_name="reporting_events")
    op.drop_table("reporting_daily")
