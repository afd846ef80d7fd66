"""Can a person take this conversation now, and how long will the customer wait?

Two facts decide: people are at work (support hours, in the shop's timezone) and someone of
the team is online (presence). The expected wait is the queue ahead of the customer shared
among the team's online agents, times the configured average handling time; it is honest
arithmetic, not a promise, so the customer is told "about".
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from handoff.engine.hours import BusinessHours

Clock = Callable[[], datetime]
QueueLength = Callable[[str], Awaitable[int]]  # team -> escalations waiting for it


class OnlineAgents(Protocol):
    async def online_agents(self, team: str | None = None) -> list[str]: ...


@dataclass(frozen=True)
class Availability:
    team: str
    open_now: bool
    agents_online: list[str]
    queue_ahead: int
    expected_wait_seconds: int | None  # None when nobody can take the conversation now
    next_opening: datetime | None
    checked_at: datetime

    @property
    def available(self) -> bool:
        return self.open_now and bool(self.agents_online)

    def to_dict(self) -> dict[str, Any]:
        return {
            "team": self.team, "available": self.available, "open_now": self.open_now,
            "agents_online": len(self.agents_online), "queue_ahead": self.queue_ahead,
            "expected_wait_seconds": self.expected_wait_seconds,
            "next_opening": self.next_opening.isoformat() if self.next_opening else None,
            "checked_at": self.checked_at.isoformat(),
        }


def expected_wait(queue_ahead: int, agents: int, handling_seconds: float) -> int:
    """Seconds until a person is free: the queue ahead spread over the agents, at least a minute."""
    if agents <= 0:
        raise ValueError("no agents: there is no expected wait")
    return max(60, math.ceil(queue_ahead / agents * handling_seconds))


class AvailabilityCheck:
    def __init__(self, presence: OnlineAgents, hours: BusinessHours, queue_length: QueueLength,
                 handling_seconds: float, clock: Clock) -> None:
        self.presence = presence
        self.hours = hours
        self.queue_length = queue_length
        self.handling_seconds = handling_seconds
        self.clock = clock

    async def check(self, team: str, ahead: int | None = None) -> Availability:
        """`ahead`: the customers ahead of one already queued; None for a newcomer, behind the
        whole queue of the team."""
        now = self.clock()
        open_now = self.hours.is_open(now)
        agents = await self.presence.online_agents(team) if open_now else []
        if ahead is None:
            ahead = await self.queue_length(team)
        return Availability(
            team=team, open_now=open_now, agents_online=list(agents), queue_ahead=ahead,
            expected_wait_seconds=expected_wait(ahead, len(agents), self.handling_seconds) if agents else None,
            next_opening=None if open_now else self.hours.next_opening(now), checked_at=now,
        )
