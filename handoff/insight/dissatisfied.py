"""The dissatisfied customers: conversations with a CSAT of 1 or 2, a hand-over with high
frustration, a reopen, or a repeat contact within 7 days, and no follow-up task since. Each row
names the conversation's latest escalation, on which the dashboard's one click creates a
follow-up task (handoff/escalations/followup_tasks.py); a conversation no person ever had (a
repeat contact the bot handled) has none, and is listed for the record."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from handoff.insight.containment import started_twice
from handoff.insight.period import RETURN_WINDOW, Period, kind_is, within
from handoff.store.models import AgentRow, EscalationRow, TaskRow
from handoff.store.models import ReportingEventRow as Event

LOW_CSAT = 2
MAX_ROWS = 500
SIGNALS = ("csat_low", "frustration", "reopened", "repeat_contact")


def _signals(session: Session, period: Period, frustration_threshold: float) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    low = within(select(Event.sender_id, Event.at, Event.value)
                 .where(Event.kind == "csat", Event.value <= LOW_CSAT), period, by_team=True)
    # Each sign's newest first, bounded: the list shows the newest MAX_ROWS conversations.
    for sender, at, value in session.execute(low.order_by(Event.at.desc()).limit(MAX_ROWS * 4)):
        found[sender].append({"kind": "csat_low", "at": at, "value": value})
    reopened = within(select(Event.sender_id, Event.at).where(Event.kind == "reopened"), period, by_team=True)
    for sender, at in session.execute(reopened.order_by(Event.at.desc()).limit(MAX_ROWS * 4)):
        found[sender].append({"kind": "reopened", "at": at, "value": None})
    # The detector's own score at the hand-over, at or over the threshold it was fitted to act on.
    angry = select(EscalationRow.sender_id, EscalationRow.created_at, EscalationRow.frustration).where(
        EscalationRow.frustration >= frustration_threshold, EscalationRow.created_at >= period.since,
        EscalationRow.created_at < period.until)
    if period.channel is not None:
        angry = angry.where(EscalationRow.channel == period.channel)
    if period.teams is not None:
        angry = angry.where(EscalationRow.team.in_(period.teams))
    for sender, at, value in session.execute(angry.order_by(EscalationRow.created_at.desc()).limit(MAX_ROWS * 4)):
        found[sender].append({"kind": "frustration", "at": at, "value": round(float(value), 3)})
    again, earlier = aliased(Event), aliased(Event)
    repeat = within(select(again.sender_id, func.max(again.at))
                    .join(earlier, and_(earlier.sender_id == again.sender_id, kind_is(earlier, "conversation_started"),
                                        earlier.at < again.at, earlier.at >= again.at - RETURN_WINDOW))
                    .where(kind_is(again, "conversation_started"), again.sender_id.in_(started_twice())),
                    period, by_team=False, table=again).group_by(again.sender_id)
    for sender, at in session.execute(repeat.order_by(func.max(again.at).desc()).limit(MAX_ROWS * 4)):
        found[sender].append({"kind": "repeat_contact", "at": at, "value": None})
    return {sender: signals for sender, signals in found.items() if sender is not None}


def dissatisfied(session: Session, period: Period, frustration_threshold: float) -> dict[str, Any]:
    found = _signals(session, period, frustration_threshold)
    latest: dict[str, Any] = {}
    senders = list(found)
    columns = (EscalationRow.sender_id, EscalationRow.id, EscalationRow.email, EscalationRow.channel,
               EscalationRow.team, AgentRow.username.label("agent"))
    for start in range(0, len(senders), 500):  # IN lists kept short for SQLite's variable limit
        chunk = senders[start:start + 500]
        query = (select(*columns).outerjoin(AgentRow, AgentRow.id == EscalationRow.agent_id)
                 .where(EscalationRow.sender_id.in_(chunk)).order_by(EscalationRow.created_at, EscalationRow.id))
        for row in session.execute(query):
            latest[row.sender_id] = row
    followed: dict[str, float] = {}
    for start in range(0, len(senders), 500):
        chunk = senders[start:start + 500]
        query = (select(EscalationRow.sender_id, func.max(TaskRow.created_at))
                 .join(TaskRow, TaskRow.escalation_id == EscalationRow.id)
                 .where(EscalationRow.sender_id.in_(chunk)).group_by(EscalationRow.sender_id))
        followed.update({sender: float(at) for sender, at in session.execute(query)})
    rows = []
    for sender, signals in found.items():
        escalation = latest.get(sender)
        if period.teams is not None and (escalation is None or escalation.team not in period.teams):
            continue  # a team's view: only the conversations that reached that team
        last = max(signal["at"] for signal in signals)
        if sender in followed and followed[sender] >= last:
            continue  # a follow-up task was made after the latest sign
        rows.append({
            "sender_id": sender, "escalation_id": escalation.id if escalation else None,
            "customer": escalation.email if escalation else None,
            "channel": escalation.channel if escalation else None, "team": escalation.team if escalation else None,
            "agent": escalation.agent if escalation else None,
            "signals": sorted({s["kind"] for s in signals}, key=SIGNALS.index),
            "csat": min((s["value"] for s in signals if s["kind"] == "csat_low"), default=None),
            "last_at": last,
        })
    rows.sort(key=lambda r: (-r["last_at"], r["sender_id"]))
    counts = {signal: sum(signal in r["signals"] for r in rows) for signal in SIGNALS}
    return {"total": len(rows), "by_signal": counts, "conversations": rows[:MAX_ROWS]}


def follow_up_note(row: dict[str, Any]) -> str:
    """The task's note for a dissatisfied conversation's one-click follow-up."""
    words = {"csat_low": f"rated the chat {int(row['csat'])}/5" if row.get("csat") is not None else "rated it low",
             "frustration": "was very frustrated", "reopened": "came back after it was resolved",
             "repeat_contact": "contacted us again within 7 days"}
    return "Follow up with a dissatisfied customer, who " + ", ".join(words[s] for s in row["signals"]) + "."
