"""Follow-up tasks the bot promised (escalations/bot_tasks.py): one per stream entry. The entry's
id is a unique column, so an entry delivered twice (a retry, a replica that died after the
commit) finds its task instead of making a second one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.store import tasks
from handoff.store.escalations import _load
from handoff.store.models import TaskRow
from handoff.store.records import Task

BOT = "bot"  # created_by of the bot's tasks


def of_entry(session: Session, entry_id: str) -> Task | None:
    row = session.scalars(select(TaskRow).where(TaskRow.source_entry == entry_id)).first()
    return tasks.to_task(row) if row is not None else None


def create_once(session: Session, escalation_id: int, *, entry_id: str, note: str, promise: str | None,
                due_at: float, now: float) -> tuple[Task, bool]:
    """The task for the team of the escalation; (task, False) when the entry already made one.
    Two racing callers: the unique index fails the second's commit (IntegrityError)."""
    if (made := of_entry(session, entry_id)) is not None:
        return made, False
    escalation = _load(session, escalation_id)
    row = TaskRow(escalation_id=escalation_id, agent_id=None, team=escalation.team, note=note, promise=promise,
                  due_at=due_at, state="open", created_at=now, created_by=BOT, source_entry=entry_id)
    session.add(row)
    session.flush()
    return tasks.get(session, row.id), True
