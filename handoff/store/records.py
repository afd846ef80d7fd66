"""Plain, immutable views of the stored rows: what the rest of the service passes around.

The database session lives in a worker thread and ends with each unit of work, so nothing
outside the store ever touches an ORM object (no lazy loads from the event loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["agent", "admin"]
TEAMS = ("returns", "delivery", "general")
# Bot Framework's handoff vocabulary; completed and failed are final.
STATES = ("initiated", "queued", "accepted", "completed", "failed")
OPEN_STATES = ("initiated", "queued", "accepted")
OUTCOMES = ("resolved", "not_resolved", "follow_up")


@dataclass(frozen=True)
class Agent:
    id: int
    username: str
    display_name: str
    role: Role
    teams: tuple[str, ...]
    capacity: int
    created_at: float

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id, "username": self.username, "display_name": self.display_name,
            "role": self.role, "teams": list(self.teams), "capacity": self.capacity,
        }


@dataclass(frozen=True)
class StateChange:
    state: str
    at: float
    by: str | None  # username of the agent, or "bot" / "system"
    detail: str | None = None

    def public(self) -> dict[str, Any]:
        return {"state": self.state, "at": self.at, "by": self.by, "detail": self.detail}


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    author_name: str
    text: str
    at: float

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author, "author_name": self.author_name, "text": self.text, "at": self.at}


@dataclass(frozen=True)
class Escalation:
    id: int
    sender_id: str
    channel: str | None
    email: str | None
    reason: str
    team: str
    frustration: float
    state: str
    agent: str | None  # username of the agent who holds it
    agent_name: str | None
    packet: dict[str, Any]
    outcome: str | None
    follow_up: str | None  # "email" | "declined" | None
    follow_up_email: str | None
    csat_rating: int | None
    csat_comment: str | None
    created_at: float
    queued_at: float | None
    accepted_at: float | None
    closed_at: float | None
    states: tuple[StateChange, ...] = ()
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def waiting_seconds(self, now: float) -> float:
        """How long the customer waited (or has been waiting) for a person."""
        start = self.queued_at or self.created_at
        end = self.accepted_at or self.closed_at or now
        return max(0.0, end - start)

    def handling_seconds(self, now: float) -> float | None:
        if self.accepted_at is None:
            return None
        return max(0.0, (self.closed_at or now) - self.accepted_at)

    @property
    def summary_line(self) -> str:
        """One line for the queue, from the packet the engine built."""
        line = self.packet.get("summary_line")
        if not isinstance(line, str) or not line.strip():
            summary = self.packet.get("summary")
            if isinstance(summary, dict):
                summary = summary.get("line") or summary.get("text") or summary.get("goal")
            line = summary if isinstance(summary, str) else ""
        line = line.strip().splitlines()[0] if line.strip() else f"{self.reason.replace('_', ' ')}"
        return line[:200]
