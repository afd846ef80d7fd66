"""What an agent sees of an escalation: a card in the queue, and the whole of it when opened."""

from __future__ import annotations

from typing import Any

from handoff.engine.context import for_agents
from handoff.store import Escalation


def card(escalation: Escalation, priority: float | None, now: float) -> dict[str, Any]:
    return {
        "id": escalation.id,
        "sender_id": escalation.sender_id,
        "channel": escalation.channel,
        "reason": escalation.reason,
        "team": escalation.team,
        "priority": priority,
        "frustration": escalation.frustration,
        "state": escalation.state,
        "waiting_seconds": round(escalation.waiting_seconds(now), 1),
        "summary_line": escalation.summary_line,
        "agent": escalation.agent,
        "agent_name": escalation.agent_name,
        "outcome": escalation.outcome,
        "follow_up": escalation.follow_up,
        "follow_up_email": escalation.follow_up_email,
        "created_at": escalation.created_at,
    }


def detail(escalation: Escalation, priority: float | None, now: float,
           packet: dict[str, Any] | None = None) -> dict[str, Any]:
    """`packet`: the packet as this agent may see it (EscalationService.detail), else the stored one."""
    handling = escalation.handling_seconds(now)
    return {
        **card(escalation, priority, now),
        "email": escalation.email,
        "packet": for_agents(escalation.packet if packet is None else packet),
        "notes": [note.public() for note in escalation.notes],
        "states": [change.public() for change in escalation.states],
        "handling_seconds": round(handling, 1) if handling is not None else None,
        "queued_at": escalation.queued_at,
        "accepted_at": escalation.accepted_at,
        "closed_at": escalation.closed_at,
        "csat": (
            {"rating": escalation.csat_rating, "comment": escalation.csat_comment}
            if escalation.csat_rating is not None else None
        ),
    }
