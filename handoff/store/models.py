"""The tables. Times are Unix seconds (floats), like Rasa's event timestamps, so durations are
simple subtractions on every database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, and_, text, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from handoff.store.records import OPEN_STATES

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class AgentRow(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    teams: Mapped[list[str]] = mapped_column(Json)
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    # A deactivated account cannot sign in; its row stays (escalations, notes and the audit name
    # it) and so does its username, which an admin reactivates rather than gives to someone else.
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # The teams this agent leads (each one of `teams`): they see those teams' reports (0235).
    leads: Mapped[list[str]] = mapped_column(Json, server_default=text("'[]'"))


class EscalationRow(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255), index=True)
    reason: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(32), index=True)
    frustration: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    packet: Mapped[dict[str, Any]] = mapped_column(Json)
    outcome: Mapped[str | None] = mapped_column(String(32))
    # Nobody could chat: "email" (follow up at follow_up_email) or "declined".
    follow_up: Mapped[str | None] = mapped_column(String(16))
    follow_up_email: Mapped[str | None] = mapped_column(String(255))
    csat_rating: Mapped[int | None] = mapped_column(Integer)
    csat_comment: Mapped[str | None] = mapped_column(Text)
    csat_at: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[float] = mapped_column(Float)
    queued_at: Mapped[float | None] = mapped_column(Float)
    accepted_at: Mapped[float | None] = mapped_column(Float)
    closed_at: Mapped[float | None] = mapped_column(Float)

    agent: Mapped[AgentRow | None] = relationship(lazy="joined")
    states: Mapped[list[StateRow]] = relationship(order_by="StateRow.id", lazy="selectin")
    notes: Mapped[list[NoteRow]] = relationship(order_by="NoteRow.id", lazy="selectin")
    snooze: Mapped[SnoozeRow | None] = relationship(
        primaryjoin="and_(SnoozeRow.escalation_id == EscalationRow.id, SnoozeRow.ended_at.is_(None))",
        lazy="selectin", viewonly=True, uselist=False)
    sla_clocks: Mapped[list[SlaClockRow]] = relationship(order_by="SlaClockRow.id", lazy="selectin", viewonly=True)
    transfers: Mapped[list[TransferRow]] = relationship(order_by="TransferRow.id", lazy="selectin", viewonly=True)
    told: Mapped[list[ToldRow]] = relationship(order_by="ToldRow.id", lazy="selectin", viewonly=True)

    # At most one open escalation per conversation, even when two replicas open one at once.
    __table_args__ = (
        Index(
            "uq_escalations_open_sender", "sender_id", unique=True,
            sqlite_where=state.in_(OPEN_STATES), postgresql_where=state.in_(OPEN_STATES),
        ),
    )


class StateRow(Base):
    """One transition of an escalation: when, by whom, and why."""

    __tablename__ = "escalation_states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    at: Mapped[float] = mapped_column(Float)
    by: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class NoteRow(Base):
    """An internal note: agents only, never shown to the customer."""

    __tablename__ = "escalation_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[float] = mapped_column(Float)

    agent: Mapped[AgentRow] = relationship(lazy="joined")


class RevokedTokenRow(Base):
    """An agent's token signed out before it expired; kept until then (auth/tokens.py)."""

    __tablename__ = "revoked_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class SnoozeRow(Base):
    """An agent put an escalation aside until a time, or until the customer writes (until is None).
    Ended once (ended_at set by a conditional UPDATE): by the time, a reply, or the agent."""

    __tablename__ = "escalation_snoozes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    snoozed_at: Mapped[float] = mapped_column(Float)
    until: Mapped[float | None] = mapped_column(Float, index=True)
    # Replies that needed no action ("thanks!"): counted here, the text is in the transcript.
    quiet_replies: Mapped[int] = mapped_column(Integer, default=0)
    last_quiet_reply_at: Mapped[float | None] = mapped_column(Float)
    ended_at: Mapped[float | None] = mapped_column(Float)
    ended_by: Mapped[str | None] = mapped_column(String(16))  # "time", "reply" or "agent"

    # At most one snooze running per escalation.
    __table_args__ = (
        Index("uq_escalation_snoozes_running", "escalation_id", unique=True,
              sqlite_where=and_(ended_at.is_(None)), postgresql_where=and_(ended_at.is_(None))),
    )


class TaskRow(Base):
    """A follow-up task of an escalation: a due time and a note ("call the carrier Tuesday"). open
    until due; then due (back in its agent's queue, reminded), overdue (escalated to the team)
    unless done first. Each step is a conditional UPDATE, so it happens once across replicas."""

    __tablename__ = "followup_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    # What the customer was told would happen ("Maya will ... by Tuesday at 5 pm"), if anything.
    promise: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[float] = mapped_column(Float, index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(64))
    reminded_at: Mapped[float | None] = mapped_column(Float)
    escalated_at: Mapped[float | None] = mapped_column(Float)
    done_at: Mapped[float | None] = mapped_column(Float)
    # The stream entry whose follow_up slot made it (a task the bot promised), so that entry
    # makes one task however often it is delivered (escalations/bot_tasks.py; migration 0012).
    source_entry: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    agent: Mapped[AgentRow | None] = relationship(lazy="joined")
    escalation: Mapped[EscalationRow] = relationship(lazy="joined", viewonly=True)


class CustomerWaitRow(Base):
    """Who wrote last in an escalation, for auto-resolve (handoff/escalations/auto_resolve.py):
    the agent's latest words (chat or email) and the customer's latest words that needed an
    answer. Waiting on the customer while agent_at is the later; resolved_at is set when it was
    auto-resolved (cleared when they reopen it), told_at when the closing message reached Rasa;
    claimed_at/by is a replica sending that message (a lease). Migration 0006."""

    __tablename__ = "customer_waits"

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), primary_key=True)
    agent_at: Mapped[float | None] = mapped_column(Float, index=True)
    customer_at: Mapped[float | None] = mapped_column(Float)
    claimed_at: Mapped[float | None] = mapped_column(Float)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[float | None] = mapped_column(Float)
    told_at: Mapped[float | None] = mapped_column(Float)


class SlaClockRow(Base):
    """An SLA target on an escalation (issue 21, store/sla.py): first_response, next_response or
    resolution, started at a moment with a target in business seconds; warn_at and due_at are
    the wall-clock moments it reaches the warning share and the target. warned_at, breached_at
    and stopped_at are each set once, by a conditional UPDATE. Migration 0009."""

    __tablename__ = "sla_clocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    team: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[float] = mapped_column(Float)
    target_seconds: Mapped[float] = mapped_column(Float)
    warn_at: Mapped[float | None] = mapped_column(Float, index=True)
    due_at: Mapped[float | None] = mapped_column(Float, index=True)
    stopped_at: Mapped[float | None] = mapped_column(Float)
    stopped_by: Mapped[str | None] = mapped_column(String(16))  # "met" or "closed"
    warned_at: Mapped[float | None] = mapped_column(Float)
    breached_at: Mapped[float | None] = mapped_column(Float)

    # At most one clock of a kind running per escalation, even when two replicas start one at once.
    __table_args__ = (
        Index("uq_sla_clocks_running", "escalation_id", "kind", unique=True,
              sqlite_where=and_(stopped_at.is_(None)), postgresql_where=and_(stopped_at.is_(None))),
    )


# --- reporting events (issue 22) ------------------------------------------------------------
# Migration 0004 (handoff/store/migrations/). Append-only: rows are inserted, never updated.


VISITOR_VOTES = text("kind = 'help_vote' AND customer IS NOT NULL")
STARTS = text("kind = 'conversation_started'")
SHORT_ANSWERS = text("kind = 'article_answered' AND length(detail) <= 160 AND length(sender_id) <= 160")
LONG_ANSWERS = text("kind = 'article_answered' AND (length(detail) > 160 OR length(sender_id) > 160)")


class ReportingEventRow(Base):
    """One thing that happened, for the reports: who caused it (bot, rule, agent, customer,
    visitor), why, and a value where one fits (seconds waited, a rating). `key` names its source
    (a stream entry, a state change, a vote), so an event seen twice is stored once."""

    __tablename__ = "reporting_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[float] = mapped_column(Float, index=True)
    sender_id: Mapped[str | None] = mapped_column(String(255), index=True)
    customer: Mapped[str | None] = mapped_column(String(255))
    channel: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(16))
    agent: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(Text)

    # The reports read these columns by kind and time, and look up one conversation's events by
    # kind (decision 0202; PostgreSQL covers them with INCLUDE, SQLite keeps plain indexes).
    __table_args__ = (
        Index("ix_reporting_events_kind_at", "kind", "at",
              postgresql_include=["sender_id", "channel", "team", "value", "reason", "agent"]),
        Index("ix_reporting_events_sender_kind_at", "sender_id", "kind", "at"),
        # The help-centre votes with a visitor id, read from the events, and each conversation's
        # starts, which "came back" and repeat contacts group by conversation (decision 0231).
        Index("ix_reporting_events_visitor_votes", "at", postgresql_where=VISITOR_VOTES, sqlite_where=VISITOR_VOTES),
        Index("ix_reporting_events_starts", "sender_id", "at", postgresql_where=STARTS, sqlite_where=STARTS),
        # Each conversation's answers with their article, covered where the ids fit an index row.
        Index("ix_reporting_events_answers", "sender_id", "at", postgresql_include=["detail"],
              postgresql_where=SHORT_ANSWERS, sqlite_where=SHORT_ANSWERS),
        Index("ix_reporting_events_long_answers", "sender_id", "at", postgresql_where=LONG_ANSWERS,
              sqlite_where=LONG_ANSWERS),
    )


class ReportingDailyRow(Base):
    """The reporting events of one UTC day counted by what the reports group on (handoff/store/rollup.py,
    decision 0230): kept with every event written or deleted, in the same transaction. `key` is a
    hash of the other columns, so a hostile long label never outgrows an index row."""

    __tablename__ = "reporting_daily"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(Text)
    events: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_reporting_daily_kind_day", "kind", "day"),)


class ReportingConversationRow(Base):
    """One conversation's starts and hand-over steps in brief (handoff/store/conversation_flags.py,
    decision 0260): how many starts, the first and last time of each kind and of the answers it
    came back for, its channel. Kept with
    every event written or deleted, in the same transaction; `irregular` when its events disagree
    on the channel or one has a time that is not a finite number (the reports then read its events)."""

    __tablename__ = "reporting_conversations"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    channel: Mapped[str | None] = mapped_column(String(64))
    irregular: Mapped[bool] = mapped_column(Boolean)
    starts: Mapped[int] = mapped_column(Integer)
    first_start: Mapped[float | None] = mapped_column(Float)
    last_start: Mapped[float | None] = mapped_column(Float)
    first_asked: Mapped[float | None] = mapped_column(Float)
    last_asked: Mapped[float | None] = mapped_column(Float)
    first_claimed: Mapped[float | None] = mapped_column(Float)
    last_claimed: Mapped[float | None] = mapped_column(Float)
    first_unstaffed: Mapped[float | None] = mapped_column(Float)
    last_unstaffed: Mapped[float | None] = mapped_column(Float)
    # The first and last answer it came back for (started again within 7 days and given the same
    # article); only with two starts or more, as "came back" needs.
    first_back: Mapped[float | None] = mapped_column(Float)
    last_back: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_reporting_conversations_first_start", "first_start"),)


# --- admin pages (issue 24) -----------------------------------------------------------------
# Migration 0005 (handoff/store/migrations/).


class CannedReplyRow(Base):
    """A canned reply agents insert into the reply box; admins edit them in the console."""

    __tablename__ = "canned_replies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    team: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(64))


class AuditEventRow(Base):
    """One change an admin (or the shell) made: who, when, what, and before/after where it helps.
    Append-only: the store only inserts, and the database refuses UPDATE and DELETE (triggers)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(String(160))
    before: Mapped[dict[str, Any] | None] = mapped_column(Json)
    after: Mapped[dict[str, Any] | None] = mapped_column(Json)


# --- one customer across channels (issue 21) ------------------------------------------------
# Migration 0010 (handoff/store/migrations/). Written only after a customer verified an order in
# a conversation (handoff/customers/linker.py); keyed by the order's email, normalised.


class CustomerRow(Base):
    """A customer: the email of the orders they verified (lower case), and the name on the latest
    of them. Nothing else about them is copied from the order backend."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[float] = mapped_column(Float)
    verified_at: Mapped[float] = mapped_column(Float)


class CustomerConversationRow(Base):
    """A conversation (any channel) in which the customer verified one of their orders."""

    __tablename__ = "customer_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str | None] = mapped_column(String(64))
    # The order numbers verified in this conversation (canonical, at most MAX_ORDERS).
    orders: Mapped[list[str]] = mapped_column(Json)
    first_verified_at: Mapped[float] = mapped_column(Float)
    verified_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("uq_customer_conversations", "customer_id", "sender_id", unique=True),)


class CustomerNoteRow(Base):
    """An agent's private note on the customer ("prefers email"), seen on all their conversations."""

    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[float] = mapped_column(Float)

    agent: Mapped[AgentRow] = relationship(lazy="joined")


# --- transfers and what the customer was told (issue 24) --------------------------------------
# Migration 0008 (handoff/store/migrations/).


class TransferRow(Base):
    """One transfer of an escalation: from whom, to an agent or a team, the note the receiving
    agent reads first, and the customer's words nobody had answered yet (JSON list of lines)."""

    __tablename__ = "escalation_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    at: Mapped[float] = mapped_column(Float)
    by: Mapped[str] = mapped_column(String(64))
    by_name: Mapped[str] = mapped_column(String(120))
    to_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    to_team: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    unanswered: Mapped[list[dict[str, Any]]] = mapped_column(Json)

    to_agent: Mapped[AgentRow | None] = relationship(lazy="joined")


class ToldRow(Base):
    """A message the engine itself sent the customer while the escalation was open (a person is
    joining, the team is back Monday, we will email you), as the stream recorded it. `line_id`
    is its stream id: the same line seen twice is stored once."""

    __tablename__ = "escalation_told"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    line_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("uq_escalation_told_line", "escalation_id", "line_id", unique=True),)
