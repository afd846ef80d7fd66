"""Removing one customer's records from the store on request (`python -m handoff.purge`): their
escalations with each one's history and notes. A unit of work for Database.run."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handoff.store.models import EscalationRow, NoteRow, StateRow


def delete_sender(session: Session, sender_id: str) -> list[int]:
    """Delete every escalation of this conversation, with its history and notes; their ids."""
    ids = list(session.scalars(select(EscalationRow.id).where(EscalationRow.sender_id == sender_id)))
    if ids:
        # Children first: the foreign keys do not cascade.
        session.execute(delete(StateRow).where(StateRow.escalation_id.in_(ids)))
        session.execute(delete(NoteRow).where(NoteRow.escalation_id.in_(ids)))
        session.execute(delete(EscalationRow).where(EscalationRow.id.in_(ids)))
    return ids
