"""Follow-up tasks: units of work on followup_tasks (run them with Database.run).

open -> due (its time came: back in its agent's queue, reminded) -> overdue (not done within the
grace: escalated to the team); done from any of them. Every step is a conditional UPDATE whose
row count says which caller made it, so with several replicas each step happens once.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from handoff.errors import Conflict, NotFound
from handoff.store.escalations import _load
from handoff.store.models import TaskRow
from handoff.store.records import Agent, Task

UNDONE = ("open", "due", "overdue")


def to_task(row: TaskRow) -> Task:
    return Task(
        id=row.id, escalation_id=row.escalation_id, sender_id=row.escalation.sender_id,
        agent=row.agent.username if row.agent else None, agent_name=row.agent.display_name if row.agent else None,
        team=row.team, note=row.note, promise=row.promise, due_at=row.due_at, state=row.state,
        created_at=row.created_at, created_by=row.created_by, reminded_at=row.reminded_at,
        escalated_at=row.escalated_at, done_at=row.done_at,
    )


def get(session: Session, task_id: int) -> Task:
    row = session.get(TaskRow, task_id, populate_existing=True)
    if row is None:
        raise NotFound(f"no follow-up task {task_id}")
    return to_task(row)


def create(session: Session, escalation_id: int, *, agent: Agent | None, note: str, promise: str | None,
           due_at: float, by: str, now: float) -> Task:
    """For `agent`, or for the escalation's team when None (the bot's tasks)."""
    escalation = _load(session, escalation_id)
    row = TaskRow(escalation_id=escalation_id, agent_id=agent.id if agent else None, team=escalation.team,
                  note=note, promise=promise, due_at=due_at, state="open", created_at=now, created_by=by)
    session.add(row)
    session.flush()
    return get(session, row.id)


def of_escalation(session: Session, escalation_id: int) -> list[Task]:
    query = select(TaskRow).where(TaskRow.escalation_id == escalation_id).order_by(TaskRow.due_at, TaskRow.id)
    return [to_task(row) for row in session.scalars(query)]


def listing(session: Session, agent: Agent, *, mine: bool, states: tuple[str, ...] = UNDONE,
            limit: int = 200) -> list[Task]:
    """Tasks this agent may see (theirs, or their teams'; admins all), soonest due first."""
    query = select(TaskRow).where(TaskRow.state.in_(states))
    if mine:
        query = query.where(TaskRow.agent_id == agent.id)
    elif not agent.is_admin:
        query = query.where(or_(TaskRow.agent_id == agent.id, TaskRow.team.in_(agent.teams)))
    return [to_task(row) for row in session.scalars(query.order_by(TaskRow.due_at, TaskRow.id).limit(limit))]


def _step(session: Session, task_id: int, from_states: tuple[str, ...], **values: object) -> Task | None:
    changed = session.execute(update(TaskRow).where(TaskRow.id == task_id, TaskRow.state.in_(from_states))
                              .values(**values))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.flush()
    return get(session, task_id)


def complete(session: Session, task_id: int, *, now: float) -> Task:
    task = _step(session, task_id, UNDONE, state="done", done_at=now)
    if task is None:
        raise Conflict(f"follow-up task {task_id} is already done")
    return task


def mark_due(session: Session, task_id: int, *, now: float) -> Task | None:
    """open -> due; None when another replica (or a done) came first."""
    return _step(session, task_id, ("open",), state="due", reminded_at=now)


def mark_overdue(session: Session, task_id: int, *, now: float) -> Task | None:
    """due -> overdue; None when another replica (or a done) came first."""
    return _step(session, task_id, ("due",), state="overdue", escalated_at=now)


def coming_due(session: Session, now: float, limit: int = 100) -> list[int]:
    query = (select(TaskRow.id).where(TaskRow.state == "open", TaskRow.due_at <= now)
             .order_by(TaskRow.due_at).limit(limit))
    return list(session.scalars(query))


def going_overdue(session: Session, due_before: float, limit: int = 100) -> list[int]:
    query = (select(TaskRow.id).where(TaskRow.state == "due", TaskRow.due_at <= due_before)
             .order_by(TaskRow.due_at).limit(limit))
    return list(session.scalars(query))
