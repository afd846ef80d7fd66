"""Escalations and their history: units of work on the escalation tables (run them with
Database.run). Every change of state writes a history row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select, update
from sqlalchemy.orm import Session

from handoff.errors import Conflict, NotFound
from handoff.store import reporting
from handoff.store.agents import active_chats, lock
from handoff.store.models import EscalationRow, NoteRow, SlaClockRow, SnoozeRow, StateRow
from handoff.store.records import (
    OPEN_STATES,
    Agent,
    Escalation,
    Note,
    SlaClock,
    Snooze,
    StateChange,
    Told,
    Transfer,
)


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
        snooze=(Snooze(row.snooze.id, row.id, row.snooze.agent_id, row.snooze.snoozed_at, row.snooze.until,
                       row.snooze.quiet_replies, row.snooze.last_quiet_reply_at) if row.snooze else None),
        sla=tuple(to_sla_clock(clock) for clock in row.sla_clocks),
        transfers=tuple(Transfer(t.id, t.at, t.by, t.by_name, t.to_agent.username if t.to_agent else None,
                                 t.to_agent.display_name if t.to_agent else None, t.to_team, t.note,
                                 tuple(line for line in t.unanswered or [] if isinstance(line, dict)))
                        for t in row.transfers),
        told=tuple(Told(t.at, t.text) for t in row.told),
    )


def to_sla_clock(row: SlaClockRow) -> SlaClock:
    return SlaClock(row.id, row.escalation_id, row.kind, row.started_at, row.target_seconds, row.warn_at, row.due_at,
                    row.stopped_at, row.stopped_by, row.warned_at, row.breached_at)


def _record(session: Session, escalation_id: int, state: str, at: float, by: str | None, detail: str | None) -> int:
    row = StateRow(escalation_id=escalation_id, state=state, at=at, by=by, detail=detail)
    session.add(row)
    session.flush()
    return row.id


def _report(session: Session, row: EscalationRow, key: str, kind: str, at: float, actor: reporting.Actor, *,
            agent: str | None = None, value: float | None = None, detail: str | None = None) -> None:
    """A reporting event of this escalation, in the same transaction as its change."""
    reporting.add(session, reporting.ReportingEvent(
        key=key, kind=kind, at=at, actor=actor, sender_id=row.sender_id, customer=row.email, channel=row.channel,
        team=row.team, agent=agent, reason=row.reason, value=value, detail=detail))


def _end_snooze(session: Session, escalation_id: int, by: str, now: float) -> None:
    """A transfer or a close ends a running snooze: it belonged to the agent and state of before."""
    session.execute(update(SnoozeRow).where(SnoozeRow.escalation_id == escalation_id, SnoozeRow.ended_at.is_(None))
                    .values(ended_at=now, ended_by=by))


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
    asked = _record(session, row.id, "initiated", now, by, reason)
    queued_id = _record(session, row.id, "queued", now, by, f"team {team}")
    _report(session, row, f"state:{asked}", "handover_asked", now, reporting.handover_actor(reason))
    _report(session, row, f"state:{queued_id}", "queued", now, "system")
    earlier = session.scalar(select(EscalationRow.id).where(
        EscalationRow.sender_id == sender_id, EscalationRow.state == "completed", EscalationRow.id != row.id).limit(1))
    if earlier is not None:  # a person had finished with this conversation, and it needs one again
        _report(session, row, f"reopened:{row.id}", "reopened", now, "customer", detail=f"after escalation {earlier}")
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


def last_opened_at(session: Session, sender_id: str) -> float | None:
    """When this conversation's newest escalation was opened, whatever its state."""
    return session.scalar(select(func.max(EscalationRow.created_at)).where(EscalationRow.sender_id == sender_id))


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


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def listing(
    session: Session, agent: Agent, *, states: Sequence[str], mine: bool, limit: int = 200, offset: int = 0,
    unassigned: bool = False, teams: Sequence[str] | None = None, channel: str | None = None,
    reason: str | None = None, search: Sequence[str] = (), sort: str | None = None,
    priority_weights: tuple[float, float] = (100.0, 10.0),
) -> list[Escalation]:
    """At most `limit` escalations after `offset`. By default, of open ones the oldest, so that a
    flood of new ones never pushes the customers who have waited longest out of view; of closed
    ones the newest. `search`: words any of which may match the conversation id, the e-mail
    address, the reason or the packet (order number, name, what was said), case-insensitively.
    `sort` "priority" orders by the queue's formula (`priority_weights`: per unit of frustration,
    per minute waited) without its re-announcement bumps, which live in Redis: the caller
    re-sorts a page by the live priority."""
    query = visible_query(agent).where(EscalationRow.state.in_(states))
    if mine:
        query = query.where(EscalationRow.agent_id == agent.id)
    if unassigned:
        query = query.where(EscalationRow.agent_id.is_(None))
    if teams is not None:
        query = query.where(EscalationRow.team.in_(list(teams)))
    if channel is not None:
        query = query.where(EscalationRow.channel == channel)
    if reason is not None:
        query = query.where(EscalationRow.reason == reason)
    if search:
        # A scan of the visible rows' packets: fine for a shop's queue and closed history (the
        # retention job bounds both); a full-text index is the step beyond.
        text = cast(EscalationRow.packet, String)
        query = query.where(or_(*(
            column.ilike(_like(word), escape="\\")
            for word in search for column in (EscalationRow.sender_id, EscalationRow.email, EscalationRow.reason, text)
        )))
    waited_from = func.coalesce(EscalationRow.queued_at, EscalationRow.created_at)
    if sort == "waiting":
        order = [waited_from, EscalationRow.id]
    elif sort == "priority":
        per_frustration, per_minute = priority_weights
        order = [(EscalationRow.frustration * per_frustration - waited_from * per_minute / 60.0).desc(),
                 EscalationRow.id]
    elif sort == "newest":
        order = [func.coalesce(EscalationRow.closed_at, EscalationRow.created_at).desc(), EscalationRow.id.desc()]
    elif sort == "sla":  # nearest SLA due time first; none running last
        from handoff.store.sla import due_order  # store/sla.py builds on this module

        order = [due_order().asc().nulls_last(), EscalationRow.id]
    else:
        order = [EscalationRow.id if set(states) <= set(OPEN_STATES) else EscalationRow.id.desc()]
    query = query.order_by(*order).offset(offset).limit(limit)
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
    state_id = _record(session, escalation_id, "accepted", now, agent.username, None)
    row = _load(session, escalation_id)
    _report(session, row, f"state:{state_id}", "claimed", now, "agent", agent=agent.username,
            value=now - (row.queued_at or row.created_at))
    return to_escalation(row)


def requeue(session: Session, escalation_id: int, *, team: str, by: str, detail: str, now: float) -> Escalation:
    """Back into the queue (a transfer to a team): nobody holds it, the wait starts again."""
    row = _load(session, escalation_id)
    if row.state not in ("queued", "accepted"):
        raise Conflict(f"escalation {escalation_id} is {row.state}; only open escalations can be transferred")
    row.state, row.team, row.agent_id, row.queued_at, row.accepted_at = "queued", team, None, now, None
    _end_snooze(session, escalation_id, "moved", now)
    state_id = _record(session, escalation_id, "queued", now, by, detail)
    _report(session, row, f"state:{state_id}", "queued", now, "agent", agent=by, detail=detail)
    session.flush()
    return to_escalation(_load(session, escalation_id))


def reassign(session: Session, escalation_id: int, *, to: Agent, by: str, now: float,
             team: str | None = None) -> Escalation:
    """Hand an open escalation straight to another agent (a transfer to an agent), into `team`
    when given."""
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
    if team is not None:
        row.team = team
    _end_snooze(session, escalation_id, "moved", now)
    _record(session, escalation_id, "accepted", now, by, f"transferred from {previous or 'the queue'} to {to.username}")
    session.flush()
    return to_escalation(_load(session, escalation_id))


def close(
    session: Session, escalation_id: int, *, state: str, outcome: str | None, by: str, detail: str | None, now: float,
    handed_back: bool = False,
) -> Escalation:
    """completed (resolved, handed back) or failed (nobody could take it)."""
    row = _load(session, escalation_id)
    if row.state not in OPEN_STATES:
        raise Conflict(f"escalation {escalation_id} is already {row.state}")
    row.state, row.outcome, row.closed_at = state, outcome, now
    _end_snooze(session, escalation_id, "closed", now)
    state_id = _record(session, escalation_id, state, now, by, detail)
    if state == "completed":
        _report(session, row, f"state:{state_id}", "resolved", now, "agent", agent=by, value=now - row.created_at,
                detail=outcome)
        if handed_back:
            _report(session, row, f"handback:{state_id}", "handed_back", now, "agent", agent=by)
        if outcome == "unnecessary":  # "didn't need me": the hand-over was a false positive (issue 22)
            _report(session, row, f"unneeded:{state_id}", "handover_unneeded", now, "agent", agent=by,
                    detail=reporting.handover_actor(row.reason))
    else:  # failed: nobody could take it
        _report(session, row, f"state:{state_id}", "unstaffed", now, "system", detail=outcome)
    session.flush()
    return to_escalation(_load(session, escalation_id))


def first_response(session: Session, escalation_id: int, *, agent: str, now: float) -> None:
    """The reporting event of a person's first words in this hand-over (later ones add nothing):
    the time since the hand-over was asked, the bot's time before it excluded."""
    row = _load(session, escalation_id)
    _report(session, row, f"first_response:{escalation_id}", "first_response", now, "agent", agent=agent,
            value=now - row.created_at)


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
    # One CSAT event per escalation: the comment that follows the rating is not a second rating.
    _report(session, row, f"csat:{row.id}", "csat", now, "customer", agent=row.agent.username if row.agent else None,
            value=float(rating))
    session.flush()
    return to_escalation(_load(session, row.id))
