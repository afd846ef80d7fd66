"""The daily rollup of the reporting events (decision 0230): per UTC day, kind, channel, team,
actor, reason and label (the article, the flow, the SLA clock), how many events. The reports read
whole days from it and the part-days at a period's ends from the events (handoff/insight/daily.py),
so the answers over 90 days read a few thousand rows instead of 600,000.

Kept exact in the transaction that changes the events: `count` for an event just stored (only a
new one: an event seen twice is counted once), `delete_events` for the retention sweep and a
customer's purge (it counts down what the DELETE returned, so two replicas deleting the same rows
count them down once), and `rebuild` recounts everything (migration 0013; after a bulk load that
bypassed reporting.add, as the benchmark's COPY)."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, delete, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from handoff.store import conversation_flags
from handoff.store.models import ReportingDailyRow as Daily
from handoff.store.models import ReportingEventRow as Event

DAY = 86_400.0
# The days the rollup keeps: an event at a time outside them (a hostile timestamp) stays in the
# events only, and a period over such days reads the events (daily.split keeps to these days).
FIRST_DAY, END_DAY = 0, 1_000_000  # 1970 to the year 4707
# The kinds counted, and those whose detail is what the reports group on (the label).
LABELLED = frozenset({"article_answered", "helped_yes", "helped_no", "help_vote", "flow_completed", "flow_abandoned",
                      "sla_warning", "sla_breach", "followup_due"})
ROLLED = LABELLED | {"handover_asked", "handover_unneeded"}
# A help-centre vote with a visitor id is not counted: only a visitor's latest vote in the period
# counts, which depends on the period (handoff/insight/answers.py reads those from the events).
GROUPS = ("day", "kind", "channel", "team", "actor", "reason", "label")
BATCH = 1000

Fields = tuple[int, str, str | None, str | None, str, str | None, str | None]


def day_number(at: float) -> int:
    """The UTC day of a Unix time: day * DAY <= at < (day + 1) * DAY, exactly (the division may
    round across midnight)."""
    day = math.floor(at / DAY)
    if day * DAY > at:
        return day - 1
    return day + 1 if (day + 1) * DAY <= at else day


def day_of(dialect: str, column: Any) -> Any:
    """day_number in SQL: floor in PostgreSQL, a cast in SQLite (which truncates towards zero and
    has no floor in every build), corrected the same way."""
    base = cast(func.floor(column / DAY), Integer) if dialect == "postgresql" else cast(column / DAY, Integer)
    return base - case((base * DAY > column, 1), else_=0) + case(((base + 1) * DAY <= column, 1), else_=0)


def fields(kind: str, at: float, channel: str | None, team: str | None, actor: str, reason: str | None,
           detail: str | None, customer: str | None) -> Fields | None:
    """The rollup row an event is counted in; None for an event the rollup does not count."""
    if kind not in ROLLED or (kind == "help_vote" and customer is not None) or not math.isfinite(at):
        return None
    day = day_number(at)
    if not FIRST_DAY <= day < END_DAY:
        return None
    return (day, kind, channel, team, actor, reason, detail if kind in LABELLED else None)


def key(row: Fields) -> str:
    return hashlib.sha256(json.dumps(row).encode()).hexdigest()


def _add(session: Session, counts: Iterable[tuple[Fields, int]]) -> None:
    """Add each count to its row (made at need); a row counted down to nothing goes."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    gone = []
    for row, n in counts:
        statement = insert(Daily).values(key=key(row), events=n, **dict(zip(GROUPS, row, strict=True)))
        session.execute(statement.on_conflict_do_update(index_elements=["key"],
                                                        set_={"events": Daily.events + statement.excluded.events}))
        if n < 0:
            gone.append(key(row))
    for start in range(0, len(gone), BATCH):
        session.execute(delete(Daily).where(Daily.key.in_(gone[start:start + BATCH]), Daily.events <= 0))


def count(session: Session, values: dict[str, Any]) -> None:
    """Count an event just stored (its column values, as reporting.add wrote them)."""
    row = fields(values["kind"], values["at"], values["channel"], values["team"], values["actor"], values["reason"],
                 values["detail"], values["customer"])
    if row is not None:
        _add(session, [(row, 1)])


RETURNED = (Event.kind, Event.at, Event.channel, Event.team, Event.actor, Event.reason, Event.detail, Event.customer)


def delete_events(session: Session, *where: ColumnElement[bool]) -> int:
    """Delete the events matching `where` and count them down (and recount their conversations'
    rows, handoff/store/conversation_flags.py); how many went."""
    deleted = session.execute(delete(Event).where(*where).returning(*RETURNED, Event.sender_id)).all()
    down = Counter(row for row in (fields(*values[:-1]) for values in deleted) if row is not None)
    _add(session, ((row, -n) for row, n in sorted(down.items(), key=lambda item: key(item[0]))))
    conversation_flags.recount(session, {values[-1] for values in deleted if values[0] in conversation_flags.READ})
    return len(deleted)


def grouped(dialect: str, *where: ColumnElement[bool]) -> Any:
    """The rollup's rows counted from the events (what `fields` does, in SQL)."""
    day = day_of(dialect, Event.at).label("day")
    label = case((Event.kind.in_(LABELLED), Event.detail), else_=None).label("label")
    columns = (day, Event.kind, Event.channel, Event.team, Event.actor, Event.reason, label)
    return (select(*columns, func.count())
            .where(Event.kind.in_(ROLLED), or_(Event.kind != "help_vote", Event.customer.is_(None)),
                   Event.at >= FIRST_DAY * DAY, Event.at < END_DAY * DAY, *where)
            .group_by(*columns))


def rebuild(session: Session) -> int:
    """Recount the rollup from the events; how many rows it has. In PostgreSQL the events are
    locked against writers meanwhile (a writer would count into rows being replaced)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("LOCK TABLE reporting_events IN SHARE MODE"))
    session.execute(delete(Daily))
    rows: list[dict[str, Any]] = []
    made = 0
    for *values, n in session.execute(grouped(dialect)):
        row: Fields = tuple(values)  # type: ignore[assignment]
        rows.append({"key": key(row), "events": int(n), **dict(zip(GROUPS, row, strict=True))})
        if len(rows) >= BATCH:
            made += _insert(session, rows)
    made += _insert(session, rows)
    if dialect == "postgresql":  # the planner's figures for a table just filled (else a sort, not a hash)
        session.execute(text("ANALYZE reporting_daily"))
    return made


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    if rows:
        session.execute(Daily.__table__.insert(), rows)
    made = len(rows)
    rows.clear()
    return made


def stored(session: Session) -> Sequence[tuple[Any, ...]]:
    """Every rollup row (GROUPS and the count), in key order: for comparing with a rebuild."""
    columns = [getattr(Daily, name) for name in GROUPS]
    return session.execute(select(*columns, Daily.events).order_by(Daily.key)).all()
