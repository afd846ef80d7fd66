"""Customer waits: units of work on customer_waits (run them with Database.run), for auto-resolve
(handoff/escalations/auto_resolve.py).

Who wrote last is kept as two times that only move forward (`agent_wrote`, `customer_wrote`), so a
stream entry delivered twice or late changes nothing. Every step that acts is a conditional
UPDATE whose row count says which caller made it: the close, the claim of the closing message
(a lease, so a replica that died mid-way is replaced), and the reopen; with several replicas
each happens once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from handoff.store.escalations import _end_snooze, _load, _record, _report, to_escalation
from handoff.store.models import CustomerWaitRow, EscalationRow, SnoozeRow
from handoff.store.records import Escalation

AUTO_RESOLVED = "auto_resolved"


@dataclass(frozen=True)
class Wait:
    escalation_id: int
    sender_id: str
    agent_at: float


def _ensure(session: Session, escalation_id: int) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(CustomerWaitRow).values(escalation_id=escalation_id)
                    .on_conflict_do_nothing(index_elements=["escalation_id"]))


def agent_wrote(session: Session, escalation_id: int, at: float) -> None:
    _ensure(session, escalation_id)
    session.execute(update(CustomerWaitRow).where(
        CustomerWaitRow.escalation_id == escalation_id,
        or_(CustomerWaitRow.agent_at.is_(None), CustomerWaitRow.agent_at < at)).values(agent_at=at))


def customer_wrote(session: Session, escalation_id: int, at: float) -> None:
    _ensure(session, escalation_id)
    session.execute(update(CustomerWaitRow).where(
        CustomerWaitRow.escalation_id == escalation_id,
        or_(CustomerWaitRow.customer_at.is_(None), CustomerWaitRow.customer_at < at)).values(customer_at=at))


def _waiting() -> ColumnElement[bool]:
    return and_(CustomerWaitRow.resolved_at.is_(None), CustomerWaitRow.agent_at.is_not(None),
                or_(CustomerWaitRow.customer_at.is_(None), CustomerWaitRow.customer_at < CustomerWaitRow.agent_at))


def due(session: Session, *, agent_before: float, limit: int = 100) -> list[Wait]:
    """Accepted escalations whose agent wrote last, before `agent_before`, and not snoozed to a
    time (the agent means to come back then); oldest first."""
    timed_snooze = exists().where(SnoozeRow.escalation_id == CustomerWaitRow.escalation_id,
                                  SnoozeRow.ended_at.is_(None), SnoozeRow.until.is_not(None))
    query = (select(CustomerWaitRow.escalation_id, EscalationRow.sender_id, CustomerWaitRow.agent_at)
             .join(EscalationRow, EscalationRow.id == CustomerWaitRow.escalation_id)
             .where(_waiting(), EscalationRow.state == "accepted", CustomerWaitRow.agent_at <= agent_before,
                    ~timed_snooze)
             .order_by(CustomerWaitRow.agent_at).limit(limit))
    return [Wait(row[0], row[1], float(row[2])) for row in session.execute(query)]


def resolve(session: Session, wait: Wait, *, now: float, detail: str) -> Escalation | None:
    """Close the escalation as auto-resolved if it is still accepted with the customer silent since
    `wait` was read; None when another caller closed it first or the customer wrote meanwhile.
    The closing message is then owed to the customer (`untold`)."""
    done = session.execute(update(CustomerWaitRow).where(
        CustomerWaitRow.escalation_id == wait.escalation_id, CustomerWaitRow.agent_at == wait.agent_at, _waiting(),
    ).values(resolved_at=now, told_at=None, claimed_at=None, claimed_by=None))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return None
    closed = session.execute(update(EscalationRow).where(
        EscalationRow.id == wait.escalation_id, EscalationRow.state == "accepted",
    ).values(state="completed", outcome=AUTO_RESOLVED, closed_at=now))
    if closed.rowcount != 1:  # type: ignore[attr-defined]  # closed or moved by an agent meanwhile
        session.execute(update(CustomerWaitRow).where(CustomerWaitRow.escalation_id == wait.escalation_id)
                        .values(resolved_at=None))
        return None
    _end_snooze(session, wait.escalation_id, "closed", now)
    state_id = _record(session, wait.escalation_id, "completed", now, "system", detail)
    row = _load(session, wait.escalation_id)
    _report(session, row, f"state:{state_id}", AUTO_RESOLVED, now, "system",
            agent=row.agent.username if row.agent else None, value=now - wait.agent_at, detail=AUTO_RESOLVED)
    session.flush()
    return to_escalation(_load(session, wait.escalation_id))


def _owed() -> ColumnElement[bool]:
    return and_(CustomerWaitRow.resolved_at.is_not(None), CustomerWaitRow.told_at.is_(None))


def _free(now: float, lease: float) -> ColumnElement[bool]:
    return or_(CustomerWaitRow.claimed_at.is_(None), CustomerWaitRow.claimed_at < now - lease)


def untold(session: Session, *, now: float, lease: float, limit: int = 100) -> list[Wait]:
    """Auto-resolved escalations whose closing message is owed, not being sent by a live replica."""
    query = (select(CustomerWaitRow.escalation_id, EscalationRow.sender_id, CustomerWaitRow.agent_at)
             .join(EscalationRow, EscalationRow.id == CustomerWaitRow.escalation_id)
             .where(_owed(), _free(now, lease)).order_by(CustomerWaitRow.resolved_at).limit(limit))
    return [Wait(row[0], row[1], float(row[2])) for row in session.execute(query)]


def claim(session: Session, escalation_id: int, *, by: str, now: float, lease: float) -> bool:
    """Take the closing message to send it; False when another replica holds it, it was sent,
    or the customer reopened the conversation meanwhile."""
    claimed = session.execute(update(CustomerWaitRow).where(
        CustomerWaitRow.escalation_id == escalation_id, _owed(), _free(now, lease),
    ).values(claimed_at=now, claimed_by=by))
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def told(session: Session, escalation_id: int, *, by: str, now: float) -> None:
    session.execute(update(CustomerWaitRow).where(CustomerWaitRow.escalation_id == escalation_id,
                                                  CustomerWaitRow.claimed_by == by)
                    .values(told_at=now, claimed_at=None, claimed_by=None))


def release(session: Session, escalation_id: int, *, by: str) -> None:
    session.execute(update(CustomerWaitRow).where(CustomerWaitRow.escalation_id == escalation_id,
                                                  CustomerWaitRow.claimed_by == by)
                    .values(claimed_at=None, claimed_by=None))


def auto_resolved_of(session: Session, sender_id: str) -> Escalation | None:
    """The conversation's latest escalation when it is auto-resolved, nothing open since."""
    row = session.scalar(select(EscalationRow).where(EscalationRow.sender_id == sender_id)
                         .order_by(EscalationRow.id.desc()).limit(1))
    if row is None or row.state != "completed" or row.outcome != AUTO_RESOLVED:
        return None
    return to_escalation(row)


def reopen(session: Session, escalation_id: int, *, now: float, at: float) -> Escalation | None:
    """The customer wrote after it was auto-resolved: back in its team's queue, nobody holding it;
    None when another caller reopened it first."""
    reopened = session.execute(update(EscalationRow).where(
        EscalationRow.id == escalation_id, EscalationRow.state == "completed", EscalationRow.outcome == AUTO_RESOLVED,
    ).values(state="queued", outcome=None, closed_at=None, agent_id=None, accepted_at=None, queued_at=now))
    if reopened.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.execute(update(CustomerWaitRow).where(CustomerWaitRow.escalation_id == escalation_id)
                    .values(resolved_at=None, customer_at=at))
    state_id = _record(session, escalation_id, "queued", now, "customer",
                       "reopened: the customer wrote after it was auto-resolved")
    row = _load(session, escalation_id)
    _report(session, row, f"state:{state_id}", "reopened", now, "customer", detail=AUTO_RESOLVED)
    session.flush()
    return to_escalation(_load(session, escalation_id))


def times_of(session: Session, escalation_id: int) -> dict[str, float | str | None] | None:
    """The row's values (agent_at, customer_at, claimed_at, claimed_by, resolved_at, told_at), or None."""
    row = session.get(CustomerWaitRow, escalation_id, populate_existing=True)
    if row is None:
        return None
    return {"agent_at": row.agent_at, "customer_at": row.customer_at, "claimed_at": row.claimed_at,
            "claimed_by": row.claimed_by, "resolved_at": row.resolved_at, "told_at": row.told_at}
