"""Agent accounts: units of work on the agents table (run them with Database.run)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handoff.errors import Conflict, NotFound
from handoff.store.models import AgentRow, EscalationRow
from handoff.store.records import Agent


def to_agent(row: AgentRow) -> Agent:
    return Agent(
        id=row.id, username=row.username, display_name=row.display_name, role=row.role,  # type: ignore[arg-type]
        teams=tuple(row.teams or ()), capacity=row.capacity, created_at=row.created_at,
    )


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AgentRow)) or 0


def add(
    session: Session, *, username: str, display_name: str, password_hash: str, role: str,
    teams: list[str], capacity: int, now: float,
) -> Agent:
    row = AgentRow(
        username=username, display_name=display_name, password_hash=password_hash, role=role,
        teams=list(teams), capacity=capacity, created_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(f"an agent named {username!r} already exists") from error
    return to_agent(row)


# A removed account keeps its row (its escalations and notes name it) with this in place of a
# password hash: no password matches it, no token's stamp does, and no lookup finds it.
REMOVED = "!removed"


def _active(username: str) -> ColumnElement[bool]:
    return (AgentRow.username == username) & (AgentRow.password_hash != REMOVED)


def with_password(session: Session, username: str) -> tuple[Agent, str] | None:
    row = session.scalar(select(AgentRow).where(_active(username)))
    return (to_agent(row), row.password_hash) if row else None


def by_username(session: Session, username: str) -> Agent | None:
    row = session.scalar(select(AgentRow).where(_active(username)))
    return to_agent(row) if row else None


def set_password(session: Session, username: str, password_hash: str) -> bool:
    row = session.scalar(select(AgentRow).where(_active(username)))
    if row is None:
        return False
    row.password_hash = password_hash
    return True


def remove(session: Session, username: str) -> Agent:
    """Remove an account that holds no conversation (they are transferred first)."""
    row = session.scalar(select(AgentRow).where(_active(username)).with_for_update())
    if row is None:
        raise NotFound(f"no agent named {username!r}")
    if active_chats(session, row.id):
        raise Conflict(f"{row.display_name} holds conversations: transfer them before removing the account")
    row.password_hash = REMOVED
    return to_agent(row)


def by_id(session: Session, agent_id: int) -> Agent | None:
    row = session.get(AgentRow, agent_id)
    return to_agent(row) if row else None


def all_agents(session: Session) -> list[Agent]:
    query = select(AgentRow).where(AgentRow.password_hash != REMOVED).order_by(AgentRow.username)
    return [to_agent(row) for row in session.scalars(query)]


def lock(session: Session, agent_id: int) -> None:
    """Hold this agent's row until the transaction ends, so two claims by one agent (on
    PostgreSQL, where transactions run side by side) count their chats one after the other.
    SQLite takes the whole database's write lock at BEGIN IMMEDIATE (store/db.py): already serial."""
    session.execute(select(AgentRow.id).where(AgentRow.id == agent_id).with_for_update())


def active_chats(session: Session, agent_id: int) -> int:
    """Escalations this agent holds right now (for the capacity check)."""
    query = select(func.count()).select_from(EscalationRow).where(
        EscalationRow.agent_id == agent_id, EscalationRow.state == "accepted"
    )
    return session.scalar(query) or 0
