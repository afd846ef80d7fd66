"""Removing records from the store: one customer's on request (`python -m handoff.purge`), and
escalations closed longer ago than the retention period (handoff/escalations/retention.py),
each with its history and notes. Units of work for Database.run."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handoff.store.models import EscalationRow, NoteRow, StateRow


def delete_sender(session: Session, sender_id: str) -> list[int]:
    """Delete every escalation of this conversation, with its history and notes; their ids."""
    ids = list(session.scalars(select(EscalationRow.id).where(EscalationRow.sender_id == sender_id)))
    _delete(session, ids)
    return ids


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
        session.execute(delete(EscalationRow).where(EscalationRow.id.in_(ids)))
