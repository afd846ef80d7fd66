"""Removing records from the store: one customer's on request (`python -m handoff.purge`), and
escalations closed longer ago than the retention period (handoff/escalations/retention.py),
each with its history, notes, snoozes and follow-up tasks. Units of work for Database.run."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handoff.store import rollup
from handoff.store.models import (
    CustomerWaitRow,
    EscalationRow,
    NoteRow,
    ReportingEventRow,
    SlaClockRow,
    SnoozeRow,
    StateRow,
    TaskRow,
    ToldRow,
    TransferRow,
)


def delete_sender(session: Session, sender_id: str) -> list[int]:
    """Delete every escalation of this conversation, with its history and notes; their ids."""
    ids = list(session.scalars(select(EscalationRow.id).where(EscalationRow.sender_id == sender_id)))
    _delete(session, ids)
    # The reporting events carry the conversation's id, the customer's address and words too.
    rollup.delete_events(session, ReportingEventRow.sender_id == sender_id)  # and their daily counts
    return ids


def delete_reporting_before(session: Session, cutoff: float, limit: int = 5000) -> int:
    """Delete reporting events older than `cutoff`, at most `limit` per call; how many went."""
    ids = list(session.scalars(select(ReportingEventRow.id).where(ReportingEventRow.at < cutoff)
                               .order_by(ReportingEventRow.at).limit(limit)))
    if ids:  # counted down in the daily rollup in the same transaction
        rollup.delete_events(session, ReportingEventRow.id.in_(ids))
    return len(ids)


def delete_closed_before(session: Session, cutoff: float, limit: int = 500) -> list[int]:
    """Delete escalations closed before `cutoff` (at most `limit` per call, the oldest first, so
    one sweep never holds a long transaction), with their history and notes; their ids."""
    query = (select(EscalationRow.id).where(EscalationRow.closed_at.is_not(None), EscalationRow.closed_at < cutoff)
             .order_by(EscalationRow.closed_at).limit(limit))
    ids = list(session.scalars(query))
    _delete(session, ids)
    return ids


def _delete(session: Session, ids: list[int]) -> None:
    if ids:
        # Children first: the foreign keys do not cascade.
        session.execute(delete(StateRow).where(StateRow.escalation_id.in_(ids)))
        session.execute(delete(NoteRow).where(NoteRow.escalation_id.in_(ids)))
        session.execute(delete(SnoozeRow).where(SnoozeRow.escalation_id.in_(ids)))
        session.execute(delete(TaskRow).where(TaskRow.escalation_id.in_(ids)))
        session.execute(delete(CustomerWaitRow).where(CustomerWaitRow.escalation_id.in_(ids)))
        session.execute(delete(SlaClockRow).where(SlaClockRow.escalation_id.in_(ids)))
        session.execute(delete(TransferRow).where(TransferRow.escalation_id.in_(ids)))
        session.execute(delete(ToldRow).where(ToldRow.escalation_id.in_(ids)))
        session.execute(delete(EscalationRow).where(EscalationRow.id.in_(ids)))
