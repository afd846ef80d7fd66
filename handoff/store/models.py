"""The tables. Times are Unix seconds (floats), like Rasa's event timestamps, so durations are
simple subtractions on every database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
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
