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
OUTCOMES = ("resolved", "not_resolved", "follow_up", "duplicate", "spam", "unnecessary")
# What an agent may choose when closing (follow_up is the engine's: nobody could take it).
# "unnecessary": the hand-over was not needed ("didn't need me"), the detector's false positive.
AGENT_OUTCOMES = ("resolved", "not_resolved", "duplicate", "spam", "unnecessary")


@dataclass(frozen=True)
class Agent:
    id: int
    username: str
    display_name: str
    role: Role
    teams: tuple[str, ...]
    capacity: int
    created_at: float
    active: bool = True
    leads: tuple[str, ...] = ()  # the teams this agent leads, each one of `teams` (decision 0235)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_lead(self) -> bool:
        return bool(self.leads)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id, "username": self.username, "display_name": self.display_name,
            "role": self.role, "teams": list(self.teams), "capacity": self.capacity, "leads": list(self.leads),
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
class Snooze:
    """A running snooze: until a time, or until the customer writes (until is None)."""

    id: int
    escalation_id: int
    agent_id: int
    snoozed_at: float
    until: float | None
    quiet_replies: int = 0
    last_quiet_reply_at: float | None = None

    def public(self) -> dict[str, Any]:
        return {"snoozed_at": self.snoozed_at, "until": self.until, "until_reply": True,
                "quiet_replies": self.quiet_replies, "last_quiet_reply_at": self.last_quiet_reply_at}


@dataclass(frozen=True)
class Transfer:
    """A transfer (store/transfers.py): to an agent (to_agent set) or to a team's queue."""

    id: int
    at: float
    by: str
    by_name: str
    to_agent: str | None
    to_agent_name: str | None
    to_team: str
    note: str
    unanswered: tuple[dict[str, Any], ...] = ()

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "by": self.by, "by_name": self.by_name, "to_agent": self.to_agent,
                "to_agent_name": self.to_agent_name, "to_team": self.to_team, "note": self.note,
                "unanswered": [dict(line) for line in self.unanswered]}


@dataclass(frozen=True)
class Told:
    """A message the engine sent the customer while the escalation was open, as sent."""

    at: float
    text: str


TASK_STATES = ("open", "due", "overdue", "done")


@dataclass(frozen=True)
class Task:
    """A follow-up task (store/tasks.py): due at `due_at`, for `agent` (None: the team)."""

    id: int
    escalation_id: int
    sender_id: str
    agent: str | None
    agent_name: str | None
    team: str
    note: str
    promise: str | None
    due_at: float
    state: str
    created_at: float
    created_by: str
    reminded_at: float | None
    escalated_at: float | None
    done_at: float | None

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "escalation_id": self.escalation_id, "sender_id": self.sender_id,
                "agent": self.agent, "agent_name": self.agent_name, "team": self.team, "note": self.note,
                "promise": self.promise, "due_at": self.due_at, "state": self.state, "created_at": self.created_at,
                "created_by": self.created_by, "reminded_at": self.reminded_at, "escalated_at": self.escalated_at,
                "done_at": self.done_at}


@dataclass(frozen=True)
class SlaClock:
    """One SLA target running (or run) on an escalation (store/sla.py): `kind` first_response,
    next_response or resolution; due and warning times are wall-clock moments worked out in
    business time when it started; stopped_by "met" (answered, resolved) or "closed"."""

    id: int
    escalation_id: int
    kind: str
    started_at: float
    target_seconds: float
    warn_at: float | None
    due_at: float | None
    stopped_at: float | None = None
    stopped_by: str | None = None
    warned_at: float | None = None
    breached_at: float | None = None

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def public(self) -> dict[str, Any]:
        return {"kind": self.kind, "started_at": self.started_at, "target_seconds": self.target_seconds,
                "warn_at": self.warn_at, "due_at": self.due_at, "stopped_at": self.stopped_at,
                "stopped_by": self.stopped_by, "warned_at": self.warned_at, "breached_at": self.breached_at}


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
    snooze: Snooze | None = None
    sla: tuple[SlaClock, ...] = field(default=(), compare=False)
    transfers: tuple[Transfer, ...] = field(default=(), compare=False)
    told: tuple[Told, ...] = field(default=(), compare=False)

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
