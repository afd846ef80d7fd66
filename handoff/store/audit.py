"""The audit of admin changes: units of work that append one event or read a page of them.
Nothing here updates or deletes an event; the database refuses to as well (migration 0005)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store.models import AuditEventRow

# The most one page of the audit holds; the console asks for less.
MAX_PAGE = 200


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: float
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "actor": self.actor, "action": self.action, "target": self.target,
                "before": self.before, "after": self.after}


def append(session: Session, *, actor: str, action: str, target: str, now: float,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Record a change in the transaction that makes it: both are kept, or neither."""
    session.add(AuditEventRow(at=now, actor=actor, action=action, target=target[:160], before=before, after=after))


def page(session: Session, *, before_id: int | None, limit: int) -> list[AuditEvent]:
    """The newest events first; `before_id` continues from the last event of the previous page
    (by id, so events appended meanwhile neither repeat nor shift the pages)."""
    query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    if before_id is not None:
        query = query.where(AuditEventRow.id < before_id)
    return [
        AuditEvent(id=row.id, at=row.at, actor=row.actor, action=row.action, target=row.target,
                   before=row.before, after=row.after)
        for row in session.scalars(query)
    ]
