"""Request bodies of the agents' API. Text is checked for emptiness by the service, which says
so in words; here only the shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
    text: str = Field(max_length=20_000)


class TransferRequest(BaseModel):
    agent: str | None = Field(None, max_length=64)
    team: str | None = Field(None, max_length=32)


class ResolveRequest(BaseModel):
    outcome: Literal["resolved", "not_resolved", "follow_up"] = "resolved"
    handback: bool = True


class HandbackRequest(BaseModel):
    outcome: Literal["resolved", "not_resolved", "follow_up"] = "resolved"
