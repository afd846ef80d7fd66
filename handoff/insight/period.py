"""What every report is asked for: a period, the teams the caller may see, a channel; and the
helpers each report uses to keep to it.

A conversation is a sender id (a chat on one channel; Rasa starts a new session after a day's
silence, and that is the same conversation coming back). The bot's figures (containment, answers,
gaps) are shop-wide: the team filter narrows what has a team (hand-overs, times, CSAT, the
dissatisfied) and, for an agent, is their teams."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from sqlalchemy import Select, bindparam, text

from handoff.store.models import ReportingEventRow as Event

DAY = 86_400.0
# PostgreSQL's memory for a report's hash tables: its default (4 MB) sends the per-conversation
# grouping of 100,000 conversations to disk (decision 0231). For the report's transaction only.
REPORT_WORK_MEM = "32MB"
RETURN_WINDOW = 7 * DAY  # "came back within 7 days" (issue 22)


@dataclass(frozen=True)
class Period:
    since: float
    until: float
    teams: tuple[str, ...] | None = None  # None: every team
    channel: str | None = None

    def public(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "teams": list(self.teams) if self.teams else None,
                "channel": self.channel}


def within(query: Select[Any], period: Period, *, by_team: bool, table: Any = Event) -> Select[Any]:
    """`query` kept to the period, the channel and (when `by_team`) the teams; `table` is the
    events table or an alias of it."""
    query = query.where(table.at >= period.since, table.at < period.until)
    if period.channel is not None:
        query = query.where(table.channel == period.channel)
    if by_team and period.teams is not None:
        query = query.where(table.team.in_(period.teams))
    return query


def kind_is(table: Any, kind: str) -> Any:
    """`table.kind == kind` with the kind written into the SQL, not bound: a partial index on one
    kind (migration 0013) is used only where the planner sees the value, a prepared statement's
    generic plan included."""
    return table.kind == bindparam(None, kind, literal_execute=True)


def roomy(session: Any) -> None:
    """Give this transaction's hash tables REPORT_WORK_MEM (PostgreSQL; SQLite has no such limit)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percentiles(values: Sequence[float]) -> dict[str, float | int | None]:
    """Count, p50 and p90 (numpy's linear interpolation)."""
    if not values:
        return {"count": 0, "p50": None, "p90": None}
    p50, p90 = numpy.percentile(numpy.asarray(values, dtype=float), [50, 90])
    return {"count": len(values), "p50": round(float(p50), 1), "p90": round(float(p90), 1)}


def day_of(dialect: str, column: Any) -> Any:
    """The UTC day number of a Unix time column: floor in PostgreSQL (its cast rounds), a cast in
    SQLite (which truncates, the same for times after 1970, and has no floor in every build)."""
    from sqlalchemy import Integer, cast, func

    if dialect == "postgresql":
        return cast(func.floor(column / DAY), Integer)
    return cast(column / DAY, Integer)
