"""Transfers and the engine's messages to the customer: units of work on escalation_transfers and
escalation_told (run them with Database.run), plus the load of every agent for the transfer
picker. A transfer is written in the same transaction as the move it records (requeue, reassign)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from handoff.store.models import EscalationRow, ToldRow, TransferRow
from handoff.store.records import Agent

# The engine repeats itself to a customer who keeps writing into a queue (the waiting reminder):
# the panel needs the first few and the latest, not hundreds.
MAX_TOLD = 30
TOLD_CHARS = 2000


def record(session: Session, escalation_id: int, *, by: Agent, to_agent: Agent | None, to_team: str, note: str,
           unanswered: Sequence[dict[str, Any]], now: float) -> None:
    session.add(TransferRow(escalation_id=escalation_id, at=now, by=by.username, by_name=by.display_name,
                            to_agent_id=to_agent.id if to_agent else None, to_team=to_team, note=note,
                            unanswered=[dict(line) for line in unanswered]))
    session.flush()


def add_told(session: Session, escalation_id: int, *, line_id: str, at: float, text: str) -> bool:
    """Store one of the engine's messages unless this line is stored or the escalation has
    MAX_TOLD already; True when it was new."""
    stored = session.scalar(select(func.count()).select_from(ToldRow).where(ToldRow.escalation_id == escalation_id))
    if (stored or 0) >= MAX_TOLD:
        return False
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(ToldRow).values(escalation_id=escalation_id, line_id=line_id[:64], at=at,
                                        text=text[:TOLD_CHARS])
                 .on_conflict_do_nothing(index_elements=["escalation_id", "line_id"]).returning(ToldRow.id))
    return session.execute(statement).scalar() is not None


def loads(session: Session, agent_ids: Sequence[int]) -> dict[int, int]:
    """Open escalations each of these agents holds now (accepted ones): their load."""
    if not agent_ids:
        return {}
    query = (select(EscalationRow.agent_id, func.count()).where(
        EscalationRow.agent_id.in_(list(agent_ids)), EscalationRow.state == "accepted")
        .group_by(EscalationRow.agent_id))
    return {int(agent_id): int(n) for agent_id, n in session.execute(query)}


def queued_by_team(session: Session) -> dict[str, int]:
    """Customers waiting in each team's queue now."""
    query = select(EscalationRow.team, func.count()).where(EscalationRow.state == "queued").group_by(EscalationRow.team)
    return {str(team): int(n) for team, n in session.execute(query)}
