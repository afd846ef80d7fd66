"""Request bodies and path parameters of the agents' API. Text is checked for emptiness by the
service, which says so in words; here only the shape and the bounds (a message to a customer is
no longer than the bot accepts from one: defaults.MAX_MESSAGE_CHARS)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from defaults import MAX_MESSAGE_CHARS

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
    agent: str | None = Field(None, max_length=64)
    team: str | None = Field(None, max_length=32)


class ResolveRequest(BaseModel):
    outcome: Literal["resolved", "not_resolved", "follow_up"] = "resolved"
    handback: bool = True


class HandbackRequest(BaseModel):
    outcome: Literal["resolved", "not_resolved", "follow_up"] = "resolved"
