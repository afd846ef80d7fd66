"""Agent accounts: units of work on the agents table (run them with Database.run). Accounts are
deactivated, never deleted (decision 0190)."""

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
        active=row.active, leads=tuple(row.leads or ()),
    )


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AgentRow)) or 0


def add(
    session: Session, *, username: str, display_name: str, password_hash: str, role: str,
    teams: list[str], capacity: int, now: float,
) -> Agent:
    row = AgentRow(
        username=username, display_name=display_name, password_hash=password_hash, role=role,
        teams=list(teams), capacity=capacity, created_at=now, leads=[],
    )
    existing = session.scalar(select(AgentRow).where(AgentRow.username == username))
    if existing is not None:
        # A username is one person's for good: the history and the audit name them by it.
        if not existing.active:
            raise Conflict(f"{username!r} is a deactivated account: reactivate it (with a new password) "
                           "instead of creating it again")
        raise Conflict(f"an agent named {username!r} already exists")
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:  # created by another request at the same moment
        raise Conflict(f"an agent named {username!r} already exists") from error
    return to_agent(row)


def _active(username: str) -> ColumnElement[bool]:
    return (AgentRow.username == username) & AgentRow.active


def with_password(session: Session, username: str) -> tuple[Agent, str] | None:
    """An active account and its password hash: what signing in and checking a token look at."""
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


def for_update(session: Session, username: str) -> AgentRow:
    """Any account, active or not, locked until the transaction ends: what an admin changes."""
    row = session.scalar(select(AgentRow).where(AgentRow.username == username).with_for_update())
    if row is None:
        raise NotFound(f"no agent named {username[:64]!r}")
    return row


def deactivate(session: Session, row: AgentRow) -> None:
    """An account that holds no conversation (they are transferred first) stops signing in; its
    tokens fail their next check (no active account matches them)."""
    if not row.active:
        raise Conflict(f"{row.username} is already deactivated")
    if active_chats(session, row.id):
        raise Conflict(f"{row.display_name} holds conversations: transfer them before deactivating the account")
    row.active = False


def lock_active_admins(session: Session) -> int:
    """Lock the active admins' rows (in id order, so two admins changing each other queue rather
    than deadlock) and count them: two admins demoting each other at once leave one admin."""
    query = select(AgentRow.id).where(AgentRow.active, AgentRow.role == "admin").order_by(AgentRow.id)
    return len(session.scalars(query.with_for_update()).all())


# More accounts than any shop's support team has: the admin's list is one page.
MAX_LISTED = 1000


def all_agents(session: Session, *, include_inactive: bool = False) -> list[Agent]:
    query = select(AgentRow).order_by(AgentRow.username).limit(MAX_LISTED)
    if not include_inactive:
        query = query.where(AgentRow.active)
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
