"""Request bodies of the admin pages' API (agents, canned replies, the audit): only shapes and
bounds; the services say in words what else is wrong."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from defaults import MAX_MESSAGE_CHARS


class AgentChangeRequest(BaseModel):
    """What an admin changes of an account; a field left out stays as it is."""

    display_name: str | None = Field(None, max_length=120)
    role: Literal["agent", "admin"] | None = None
    teams: list[str] | None = Field(None, max_length=10)
    capacity: int | None = Field(None, ge=1, le=50)


class NewPasswordRequest(BaseModel):
    """A password an admin sets for an agent (reset, or with a reactivation)."""

    password: str = Field(max_length=200)


class CannedReplyRequest(BaseModel):
    title: str = Field(max_length=120)
    team: str = Field(max_length=32)
    text: str = Field(max_length=MAX_MESSAGE_CHARS)
