"""SLA clocks: units of work on sla_clocks (run them with Database.run), for
handoff/escalations/sla.py.

Every step happens once across replicas: a clock starts under a unique index (one running clock
of a kind per escalation), and stops, warns and breaches by conditional UPDATEs whose row count
says which caller made the change. A warning or breach writes its reporting event (`sla_warning`,
`sla_breach`, keyed by the clock) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.orm import Session

from handoff.store import reporting
from handoff.store.escalations import _load, to_escalation, to_sla_clock
from handoff.store.models import EscalationRow, SlaClockRow
from handoff.store.records import OPEN_STATES, Escalation, SlaClock

# (team, kind, started_at) -> (target seconds, warn_at, due_at): the policy's arithmetic.
Times = Callable[[str, str, float], tuple[float, float | None, float | None]]
RESPONSES = ("first_response", "next_response")


def _clock(session: Session, escalation: EscalationRow, kind: str, started_at: float, times: Times) -> None:
    target, warn_at, due_at = times(escalation.team, kind, started_at)
    session.add(SlaClockRow(escalation_id=escalation.id, kind=kind, team=escalation.team, started_at=started_at,
                            target_seconds=target, warn_at=warn_at, due_at=due_at))


def _running(kind: str | None = None) -> ColumnElement[bool]:
    condition = SlaClockRow.stopped_at.is_(None)
    return condition if kind is None else and_(condition, SlaClockRow.kind == kind)


def unstarted(session: Session, limit: int = 100) -> list[int]:
    """Open escalations with no resolution clock running: new ones, and reopened ones."""
    running = exists().where(SlaClockRow.escalation_id == EscalationRow.id, _running("resolution"))
    query = (select(EscalationRow.id).where(EscalationRow.state.in_(OPEN_STATES), ~running)
             .order_by(EscalationRow.id).limit(limit))
    return list(session.scalars(query))


def start(session: Session, escalation_id: int, *, now: float, times: Times) -> bool:
    """Start the clocks of an open escalation: first response and resolution from the hand-over;
    for one reopened (its first response long met), a new resolution clock from now. False when
    another replica started them (the unique index raises IntegrityError first) or it is closed."""
    row = _load(session, escalation_id)
    if row.state not in OPEN_STATES or session.scalar(
            select(SlaClockRow.id).where(SlaClockRow.escalation_id == escalation_id, _running("resolution"))):
        return False
    had_first = session.scalar(select(SlaClockRow.id).where(SlaClockRow.escalation_id == escalation_id,
                                                            SlaClockRow.kind == "first_response").limit(1))
    if had_first is None:
        _clock(session, row, "first_response", row.created_at, times)
    _clock(session, row, "resolution", row.created_at if had_first is None else now, times)
    session.flush()
    return True


def customer_waits(session: Session, escalation_id: int, *, at: float, times: Times) -> bool:
    """The customer wrote something to answer: a next-response clock starts, unless one runs
    already or no person has answered yet (the first response covers that)."""
    row = _load(session, escalation_id)
    if row.state not in OPEN_STATES:
        return False
    kinds = {clock.kind: clock for clock in row.sla_clocks if clock.kind in RESPONSES}
    first = kinds.get("first_response")
    if first is None or first.stopped_at is None or any(
            c.kind in RESPONSES and c.stopped_at is None for c in row.sla_clocks):
        return False
    _clock(session, row, "next_response", at, times)
    session.flush()
    return True


def person_answered(session: Session, escalation_id: int, *, at: float) -> int:
    """A person's words meet the response clocks running; how many it met."""
    met = session.execute(
        update(SlaClockRow).where(SlaClockRow.escalation_id == escalation_id, SlaClockRow.kind.in_(RESPONSES),
                                  _running(), SlaClockRow.started_at <= at)
        .values(stopped_at=at, stopped_by="met"))
    return int(met.rowcount or 0)  # type: ignore[attr-defined]


def stop_closed(session: Session, limit: int = 100) -> int:
    """Clocks still running on closed escalations: resolution met at the close of a completed one;
    anything else stopped as closed. Once, whichever replica gets there."""
    query = (select(SlaClockRow.id, SlaClockRow.kind, EscalationRow.state, EscalationRow.closed_at)
             .join(EscalationRow, EscalationRow.id == SlaClockRow.escalation_id)
             .where(_running(), EscalationRow.state.not_in(OPEN_STATES)).limit(limit))
    stopped = 0
    for clock_id, kind, state, closed_at in session.execute(query).all():
        by = "met" if kind == "resolution" and state == "completed" else "closed"
        result = session.execute(update(SlaClockRow).where(SlaClockRow.id == clock_id, _running())
                                 .values(stopped_at=closed_at, stopped_by=by))
        stopped += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return stopped


def coming_breached(session: Session, now: float, limit: int = 100) -> list[int]:
    query = (select(SlaClockRow.id).where(_running(), SlaClockRow.breached_at.is_(None), SlaClockRow.due_at <= now)
             .order_by(SlaClockRow.due_at).limit(limit))
    return list(session.scalars(query))


def coming_warned(session: Session, now: float, limit: int = 100) -> list[int]:
    query = (select(SlaClockRow.id).where(_running(), SlaClockRow.warned_at.is_(None), SlaClockRow.warn_at <= now,
                                          SlaClockRow.due_at > now)
             .order_by(SlaClockRow.warn_at).limit(limit))
    return list(session.scalars(query))


def _mark(session: Session, clock_id: int, kind: str, now: float) -> tuple[SlaClock, Escalation] | None:
    column = SlaClockRow.breached_at if kind == "sla_breach" else SlaClockRow.warned_at
    values = ({"breached_at": now, "warned_at": func.coalesce(SlaClockRow.warned_at, now)}
              if kind == "sla_breach" else {"warned_at": now})
    marked = session.execute(update(SlaClockRow).where(SlaClockRow.id == clock_id, _running(), column.is_(None))
                             .values(**values))
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        return None
    clock = session.get_one(SlaClockRow, clock_id)
    session.refresh(clock)
    row = _load(session, clock.escalation_id)
    reporting.add(session, reporting.ReportingEvent(
        key=f"{kind}:{clock_id}", kind=kind, at=now, actor="system", sender_id=row.sender_id, customer=row.email,
        channel=row.channel, team=row.team, agent=row.agent.username if row.agent else None, reason=row.reason,
        value=clock.target_seconds, detail=clock.kind))
    session.flush()
    return to_sla_clock(clock), to_escalation(_load(session, clock.escalation_id))


def breach(session: Session, clock_id: int, *, now: float) -> tuple[SlaClock, Escalation] | None:
    """Record the breach once (None: another replica did, or the clock stopped); a warning not
    yet given is marked given, since the breach says more."""
    return _mark(session, clock_id, "sla_breach", now)


def warn(session: Session, clock_id: int, *, now: float) -> tuple[SlaClock, Escalation] | None:
    return _mark(session, clock_id, "sla_warning", now)


def of_escalation(session: Session, escalation_id: int) -> list[SlaClock]:
    query = select(SlaClockRow).where(SlaClockRow.escalation_id == escalation_id).order_by(SlaClockRow.id)
    return [to_sla_clock(row) for row in session.scalars(query)]


def due_order() -> ColumnElement[float]:
    """The earliest due time of an escalation's running clocks, for the queue's sort "sla"."""
    return (select(func.min(SlaClockRow.due_at)).where(SlaClockRow.escalation_id == EscalationRow.id, _running())
            .correlate(EscalationRow).scalar_subquery())
