"""Escalations and their history: units of work on the escalation tables (run them with
Database.run). Every change of state writes a history row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from handoff.errors import Conflict, NotFound
from handoff.store.agents import active_chats, lock
from handoff.store.models import EscalationRow, NoteRow, StateRow
from handoff.store.records import OPEN_STATES, Agent, Escalation, Note, StateChange


def to_escalation(row: EscalationRow) -> Escalation:
    return Escalation(
        id=row.id, sender_id=row.sender_id, channel=row.channel, email=row.email, reason=row.reason,
        team=row.team, frustration=row.frustration, state=row.state,
        agent=row.agent.username if row.agent else None,
        agent_name=row.agent.display_name if row.agent else None,
        packet=dict(row.packet or {}), outcome=row.outcome, follow_up=row.follow_up,
        follow_up_email=row.follow_up_email, csat_rating=row.csat_rating,
        csat_comment=row.csat_comment, created_at=row.created_at, queued_at=row.queued_at,
        accepted_at=row.accepted_at, closed_at=row.closed_at,
        states=tuple(StateChange(s.state, s.at, s.by, s.detail) for s in row.states),
        notes=tuple(Note(n.id, n.agent.username, n.agent.display_name, n.text, n.at) for n in row.notes),
    )


def _record(session: Session, escalation_id: int, state: str, at: float, by: str | None, detail: str | None) -> None:
    session.add(StateRow(escalation_id=escalation_id, state=state, at=at, by=by, detail=detail))


def _load(session: Session, escalation_id: int) -> EscalationRow:
    row = session.get(EscalationRow, escalation_id, populate_existing=True)
    if row is None:
        raise NotFound(f"no escalation {escalation_id}")
    return row


def create(
    session: Session, *, sender_id: str, channel: str | None, email: str | None, reason: str, team: str,
    frustration: float, packet: dict[str, Any], now: float, by: str = "bot",
) -> Escalation:
    """A new escalation goes initiated -> queued at once: both steps are in its history."""
    row = EscalationRow(
        sender_id=sender_id, channel=channel, email=email, reason=reason, team=team, frustration=frustration,
        state="queued", packet=packet, created_at=now, queued_at=now,
    )
    session.add(row)
    session.flush()
    _record(session, row.id, "initiated", now, by, reason)
    _record(session, row.id, "queued", now, by, f"team {team}")
    session.flush()
    session.refresh(row)
    return to_escalation(row)


def get(session: Session, escalation_id: int) -> Escalation:
    return to_escalation(_load(session, escalation_id))


def active_for(session: Session, sender_id: str) -> Escalation | None:
    query = (
        select(EscalationRow)
        .where(EscalationRow.sender_id == sender_id, EscalationRow.state.in_(OPEN_STATES))
        .order_by(EscalationRow.id.desc())
        .limit(1)
    )
    row = session.scalar(query)
    return to_escalation(row) if row else None


def history_for(session: Session, sender_id: str | None, email: str | None, limit: int = 20) -> list[Escalation]:
    """Earlier escalations of one customer, newest first, by conversation or by e-mail address."""
    matches = []
    if sender_id:
        matches.append(EscalationRow.sender_id == sender_id)
    if email:
        matches.append(EscalationRow.email == email.strip().lower())
    if not matches:
        return []
    query = select(EscalationRow).where(or_(*matches)).order_by(EscalationRow.id.desc()).limit(limit)
    return [to_escalation(row) for row in session.scalars(query)]


def of_conversation(session: Session, sender_id: str, limit: int = 500) -> list[Escalation]:
    """Every escalation of one conversation, oldest first (at most `limit`, the newest)."""
    query = select(EscalationRow).where(EscalationRow.sender_id == sender_id).order_by(EscalationRow.id.desc())
    return [to_escalation(row) for row in reversed(list(session.scalars(query.limit(limit))))]


def visible_query(agent: Agent) -> Select[tuple[EscalationRow]]:
    """Escalations this agent may see: admins all, agents their teams' and the ones they hold."""
    query = select(EscalationRow)
    if not agent.is_admin:
        query = query.where(or_(EscalationRow.team.in_(agent.teams), EscalationRow.agent_id == agent.id))
    return query


def listing(
    session: Session, agent: Agent, *, states: Sequence[str], mine: bool, limit: int = 200
) -> list[Escalation]:
    """At most `limit` escalations: of open ones the oldest, so that a flood of new ones never
    pushes the customers who have waited longest out of view; of closed ones the newest."""
    query = visible_query(agent).where(EscalationRow.state.in_(states))
    if mine:
        query = query.where(EscalationRow.agent_id == agent.id)
    oldest_first = set(states) <= set(OPEN_STATES)
    query = query.order_by(EscalationRow.id if oldest_first else EscalationRow.id.desc()).limit(limit)
    return [to_escalation(row) for row in session.scalars(query)]


def queued(session: Session) -> list[Escalation]:
    query = select(EscalationRow).where(EscalationRow.state == "queued").order_by(EscalationRow.id)
    return [to_escalation(row) for row in session.scalars(query)]


def claim(session: Session, escalation_id: int, agent: Agent, now: float) -> Escalation:
    """Give a queued escalation to `agent`. Atomic: of many agents claiming at once exactly one
    wins, because the UPDATE only matches while the row is still queued; of one agent's claims
    at once, no more than their capacity win, because each counts under the agent's row lock."""
    lock(session, agent.id)
    if active_chats(session, agent.id) >= agent.capacity:
        raise Conflict(f"you already hold {agent.capacity} conversations, your capacity; resolve or transfer one first")
    result = session.execute(
        update(EscalationRow)
        .where(EscalationRow.id == escalation_id, EscalationRow.state == "queued")
        .values(state="accepted", agent_id=agent.id, accepted_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        row = _load(session, escalation_id)
        if row.state == "accepted" and row.agent:
            raise Conflict(f"already claimed by {row.agent.display_name}")
        raise Conflict(f"escalation {escalation_id} is {row.state}, it cannot be claimed")
    _record(session, escalation_id, "accepted", now, agent.username, None)
    return to_escalation(_load(session, escalation_id))


def requeue(session: Session, escalation_id: int, *, team: str, by: str, detail: str, now: float) -> Escalation:
    """Back into the queue (a transfer to a team): nobody holds it, the wait starts again."""
    row = _load(session, escalation_id)
    if row.state not in ("queued", "accepted"):
        raise Conflict(f"escalation {escalation_id} is {row.state}; only open escalations can be transferred")
    row.state, row.team, row.agent_id, row.queued_at, row.accepted_at = "queued", team, None, now, None
    _record(session, escalation_id, "queued", now, by, detail)
    session.flush()
    return to_escalation(_load(session, escalation_id))


def reassign(session: Session, escalation_id: int, *, to: Agent, by: str, now: float) -> Escalation:
    """Hand an open escalation straight to another agent (a transfer to an agent)."""
    row = _load(session, escalation_id)
    if row.state not in ("queued", "accepted"):
        raise Conflict(f"escalation {escalation_id} is {row.state}; only open escalations can be transferred")
    if row.agent_id == to.id:
        raise Conflict(f"{to.display_name} already holds this conversation")
    lock(session, to.id)
    if active_chats(session, to.id) >= to.capacity:
        raise Conflict(f"{to.display_name} already holds {to.capacity} conversations, their capacity")
    previous = row.agent.username if row.agent else None
    row.state, row.agent_id, row.accepted_at = "accepted", to.id, now
    _record(session, escalation_id, "accepted", now, by, f"transferred from {previous or 'the queue'} to {to.username}")
    session.flush()
    return to_escalation(_load(session, escalation_id))


def close(
    session: Session, escalation_id: int, *, state: str, outcome: str | None, by: str, detail: str | None, now: float
) -> Escalation:
    """completed (resolved, handed back) or failed (nobody could take it)."""
    row = _load(session, escalation_id)
    if row.state not in OPEN_STATES:
        raise Conflict(f"escalation {escalation_id} is already {row.state}")
    row.state, row.outcome, row.closed_at = state, outcome, now
    _record(session, escalation_id, state, now, by, detail)
    session.flush()
    return to_escalation(_load(session, escalation_id))


def add_note(session: Session, escalation_id: int, *, author: Agent, text: str, now: float) -> Note:
    _load(session, escalation_id)
    row = NoteRow(escalation_id=escalation_id, agent_id=author.id, text=text, at=now)
    session.add(row)
    session.flush()
    return Note(row.id, author.username, author.display_name, text, now)


def set_follow_up(session: Session, escalation_id: int, *, email: str | None) -> Escalation:
    row = _load(session, escalation_id)
    row.follow_up, row.follow_up_email = ("email", email) if email else ("declined", None)
    session.flush()
    return to_escalation(_load(session, escalation_id))


def set_csat(session: Session, sender_id: str, *, rating: int, comment: str | None, now: float) -> Escalation | None:
    """The rating belongs to the customer's latest escalation a person finished."""
    query = (
        select(EscalationRow)
        .where(EscalationRow.sender_id == sender_id, EscalationRow.state == "completed")
        .order_by(EscalationRow.closed_at.desc(), EscalationRow.id.desc())
        .limit(1)
    )
    row = session.scalar(query)
    if row is None:
        return None
    row.csat_rating, row.csat_comment, row.csat_at = rating, comment, now
    session.flush()
    return to_escalation(_load(session, row.id))
