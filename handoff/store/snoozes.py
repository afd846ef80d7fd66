"""Snoozes: units of work on escalation_snoozes (run them with Database.run). A snooze ends once:
`end` is a conditional UPDATE whose row count says which caller ended it, so two replicas (or a
reply racing the due time) cannot both wake the same escalation."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handoff.errors import Conflict
from handoff.store.escalations import _end_snooze, _load, _record, to_escalation
from handoff.store.models import SnoozeRow
from handoff.store.records import Agent, Escalation, Snooze

# How a snooze ended: its time came, the customer wrote, the agent woke it, it was replaced by a
# new one, the escalation was transferred ("moved") or closed.
END_REASONS = ("time", "reply", "agent", "replaced", "moved", "closed")


def to_snooze(row: SnoozeRow) -> Snooze:
    return Snooze(row.id, row.escalation_id, row.agent_id, row.snoozed_at, row.until,
                  row.quiet_replies, row.last_quiet_reply_at)


def start(session: Session, escalation_id: int, *, agent: Agent, until: float | None, now: float) -> Escalation:
    """Snooze an accepted escalation its agent holds; a running snooze is replaced by this one."""
    row = _load(session, escalation_id)
    if row.state != "accepted" or row.agent_id != agent.id:
        raise Conflict(f"escalation {escalation_id} is {row.state}; only the agent holding it can snooze it")
    _end_snooze(session, escalation_id, "replaced", now)
    session.add(SnoozeRow(escalation_id=escalation_id, agent_id=agent.id, snoozed_at=now, until=until,
                          quiet_replies=0))
    _record(session, escalation_id, "accepted", now, agent.username,
            f"snoozed until {'the customer replies' if until is None else f'{until:.0f} or a reply'}")
    session.flush()
    return to_escalation(_load(session, escalation_id))


def end(session: Session, snooze_id: int, *, by: str, now: float, actor: str = "system") -> Escalation | None:
    """End this snooze if it still runs; None when someone else ended it first."""
    ended = session.execute(
        update(SnoozeRow).where(SnoozeRow.id == snooze_id, SnoozeRow.ended_at.is_(None))
        .values(ended_at=now, ended_by=by)
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        return None
    escalation_id = session.execute(select(SnoozeRow.escalation_id).where(SnoozeRow.id == snooze_id)).scalar_one()
    _record(session, escalation_id, "accepted", now, actor, f"snooze ended ({by})")
    session.flush()
    return to_escalation(_load(session, escalation_id))


def record_quiet_reply(session: Session, snooze_id: int, *, now: float) -> Escalation | None:
    """A reply that needs no action: counted on the snooze, which keeps running."""
    counted = session.execute(
        update(SnoozeRow).where(SnoozeRow.id == snooze_id, SnoozeRow.ended_at.is_(None))
        .values(quiet_replies=SnoozeRow.quiet_replies + 1, last_quiet_reply_at=now)
    )
    if counted.rowcount != 1:  # type: ignore[attr-defined]
        return None
    escalation_id = session.execute(select(SnoozeRow.escalation_id).where(SnoozeRow.id == snooze_id)).scalar_one()
    return to_escalation(_load(session, escalation_id))


def due(session: Session, now: float, limit: int = 100) -> list[Snooze]:
    """Running snoozes whose time has come, oldest first, at most `limit` per look."""
    query = (select(SnoozeRow).where(SnoozeRow.ended_at.is_(None), SnoozeRow.until <= now)
             .order_by(SnoozeRow.until).limit(limit))
    return [to_snooze(row) for row in session.scalars(query)]
