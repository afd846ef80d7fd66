"""SLA targets per team and what a card says of them (issue 21, decision 0205).

Three targets, each in business time (the handbook's support hours, engine/sla_clock.py):
- first_response: from the hand-over being asked to the first words of a person;
- next_response: from a customer's message that needs an answer (after a person has answered
  once) to the person's next words;
- resolution: from the hand-over to its close.
A clock warns at `warning_share` of its target (default 80 %) and breaches at the target.

Per team, from HANDOFF_SLA_TEAM_TARGETS, e.g. `returns: first=20m next=1h resolution=16h;
delivery: first=10m` (units s, m, h; a target not named keeps the default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from handoff.engine.sla_clock import BusinessClock
from handoff.store.records import SlaClock

KINDS = ("first_response", "next_response", "resolution")
KIND_LABELS = {"first_response": "First response", "next_response": "Next response", "resolution": "Resolution"}
STATUS_LABELS = {"on_track": "On track", "warning": "Warning", "breached": "Breached", "met": "Met"}
_SHORT = {"first": "first_response", "next": "next_response", "resolution": "resolution"}
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_TARGET = re.compile(r"^(first|next|resolution)=(\d+(?:\.\d+)?)([smh])$")
_TEAM = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# The longest target: a year of a shop's hours is more than any promise to a customer.
MAX_TARGET_SECONDS = 2000 * 3600.0


@dataclass(frozen=True)
class Targets:
    first_response: float
    next_response: float
    resolution: float

    def of(self, kind: str) -> float:
        return float(getattr(self, kind))


def parse_team_targets(spec: str, default: Targets) -> dict[str, Targets]:
    """`team: first=20m next=1h resolution=16h; team2: ...` -> targets per team."""
    teams: dict[str, Targets] = {}
    for part in filter(str.strip, spec.split(";")):
        team, colon, rest = part.partition(":")
        team = team.strip()
        if not colon or not _TEAM.match(team):
            raise ValueError(f"cannot read {part.strip()!r} in the SLA targets; expected e.g. "
                             "'returns: first=20m next=1h resolution=16h'")
        targets = teams.get(team, default)
        for item in rest.split():
            match = _TARGET.match(item.strip().lower())
            if not match:
                raise ValueError(f"cannot read {item!r} in the SLA targets of {team}; expected e.g. first=20m")
            name, amount, unit = match.groups()
            seconds = float(amount) * _UNITS[unit]
            if not 0 < seconds <= MAX_TARGET_SECONDS:
                raise ValueError(f"the {name} target of {team} must be above 0 and at most "
                                 f"{MAX_TARGET_SECONDS / 3600:g} hours")
            targets = replace(targets, **{_SHORT[name]: seconds})
        teams[team] = targets
    return teams


class SlaPolicy:
    def __init__(self, clock: BusinessClock, default: Targets, teams: Mapping[str, Targets], *,
                 warning_share: float) -> None:
        if not 0 < warning_share < 1:
            raise ValueError("the SLA warning share is between 0 and 1 (0.8: at 80 % of the target)")
        self.clock = clock
        self.default = default
        self.teams = dict(teams)
        self.warning_share = warning_share

    def target(self, team: str, kind: str) -> float:
        return self.teams.get(team, self.default).of(kind)

    def times(self, team: str, kind: str, started_at: float) -> tuple[float, float | None, float | None]:
        """(target seconds, warn_at, due_at) of a clock of `kind` started at `started_at`."""
        target = self.target(team, kind)
        return (target, self.clock.add(started_at, target * self.warning_share),
                self.clock.add(started_at, target))

    def view(self, clocks: Sequence[SlaClock], now: float) -> dict[str, Any] | None:
        """The card's SLA: the running target nearest its due time, its status and the business
        time left (negative once breached); with none running, how the targets went."""
        if not clocks:
            return None
        breaches = sum(1 for clock in clocks if clock.breached_at is not None)
        running = sorted((c for c in clocks if c.running),
                         key=lambda c: (c.due_at is None, c.due_at or 0.0, KINDS.index(c.kind)))
        if not running:
            status = "breached" if breaches else "met"
            return {"status": status, "counting": False, "status_label": STATUS_LABELS[status], "target": None,
                    "target_label": None, "target_seconds": None, "due_at": None, "seconds_left": None,
                    "breaches": breaches}
        current = running[0]
        if current.breached_at is not None or (current.due_at is not None and now >= current.due_at):
            status = "breached"
        elif current.warned_at is not None or (current.warn_at is not None and now >= current.warn_at):
            status = "warning"
        else:
            status = "on_track"
        left = self.clock.left(now, current.due_at) if current.due_at is not None else None
        # Whether the time left is running down now (support hours) or waits for the next opening.
        counting = self.clock.hours.is_open(datetime.fromtimestamp(now, UTC))
        return {"status": status, "counting": counting, "status_label": STATUS_LABELS[status], "target": current.kind,
                "target_label": KIND_LABELS[current.kind], "target_seconds": current.target_seconds,
                "due_at": current.due_at, "seconds_left": round(left, 1) if left is not None else None,
                "breaches": breaches}
