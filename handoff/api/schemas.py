"""Request bodies and path parameters of the agents' API. Text is checked for emptiness by the
service, which says so in words; here only the shape and the bounds (a message to a customer is
no longer than the bot accepts from one: defaults.MAX_MESSAGE_CHARS)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from defaults import MAX_MESSAGE_CHARS
from handoff.store.customers import MAX_NOTE_CHARS as MAX_CUSTOMER_NOTE_CHARS

# Escalation ids are the database's 64-bit integer keys: a larger number names nothing, and
# SQLite cannot even compare it (OverflowError, a 500, before this bound).
EscalationId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the escalation's number")]


class LoginRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class PasswordChangeRequest(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


class PresenceRequest(BaseModel):
    status: Literal["online", "away", "offline"]


class NewAgentRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    display_name: str = Field("", max_length=120)
    role: Literal["agent", "admin"] = "agent"
    teams: list[str] = Field(default_factory=lambda: ["general"], max_length=10)
    capacity: int | None = Field(None, ge=1, le=50)


class TextRequest(BaseModel):
    text: str = Field(max_length=MAX_MESSAGE_CHARS)


class TransferRequest(BaseModel):
    """To an agent (online; optionally into one of their teams) or to a team's queue; the note
    is what the receiving agent reads first."""

    agent: str | None = Field(None, max_length=64)
    team: str | None = Field(None, max_length=32)
    note: str = Field(max_length=MAX_MESSAGE_CHARS)


# Closing: what the agent chose (records.AGENT_OUTCOMES). "unnecessary": the hand-over was not needed.
AgentOutcome = Literal["resolved", "not_resolved", "duplicate", "spam", "unnecessary"]


class CloseRequest(BaseModel):
    outcome: AgentOutcome
    handback: bool = False


class ResolveRequest(BaseModel):
    """The close of before (POST /resolve): kept for its callers."""

    outcome: AgentOutcome
    handback: bool = True


class HandbackRequest(BaseModel):
    """POST /handback: the outcome is the agent's to say, never assumed."""

    outcome: AgentOutcome


class SnoozeRequest(BaseModel):
    """Until a time (Unix seconds), or with no time until the customer replies; a reply that
    needs an answer wakes it either way."""

    until: float | None = Field(None, gt=0, le=2**40, description="Unix seconds; empty: until the customer replies")


TaskId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the follow-up task's number")]


class TaskRequest(BaseModel):
    """A follow-up: due when, the agents' note, and optionally what the customer is told will
    happen ("check with the carrier"), sent to them now in plain words with the due time."""

    due_at: float = Field(gt=0, le=2**40, description="Unix seconds")
    note: str = Field(max_length=MAX_MESSAGE_CHARS)
    promise: str | None = Field(None, max_length=400)
    tell_customer: bool = False


# One customer across channels (handoff/api/routes/customers.py).
CustomerNoteId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the customer note's number")]


class CustomerNoteRequest(BaseModel):
    text: str = Field(max_length=MAX_CUSTOMER_NOTE_CHARS)
