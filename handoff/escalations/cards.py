"""What an agent sees of an escalation: a card in the queue, and the whole of it when opened."""

from __future__ import annotations

from typing import Any

from handoff.conversations.readable import readable
from handoff.engine.context import for_agents
from handoff.escalations.labels import channel_label, customer_label, order_number, priority_word
from handoff.escalations.panel import at_a_glance
from handoff.escalations.sla_policy import SlaPolicy
from handoff.store import Escalation


def card(escalation: Escalation, priority: float | None, now: float, sla: SlaPolicy | None = None) -> dict[str, Any]:
    """`sla`: the targets in force, for the card's SLA status and business time left."""
    return {
        "id": escalation.id,
        "sender_id": escalation.sender_id,
        "channel": escalation.channel,
        "channel_label": channel_label(escalation.channel, escalation.sender_id),
        "customer_label": customer_label(escalation.sender_id, for_agents(escalation.packet)),
        "order_number": order_number(for_agents(escalation.packet)),
        "reason": escalation.reason,
        "team": escalation.team,
        "priority": priority,
        "priority_word": priority_word(priority),
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
        "snooze": escalation.snooze.public() if escalation.snooze else None,
        "closed_at": escalation.closed_at,
        "csat_rating": escalation.csat_rating,
        "sla": sla.view(escalation.sla, now) if sla is not None else None,
        # The latest transfer's note, pinned for the agent who receives it (escalations/transfers.py).
        "transfer": escalation.transfers[-1].public() if escalation.transfers and escalation.is_open else None,
    }


def detail(escalation: Escalation, priority: float | None, now: float,
           packet: dict[str, Any] | None = None, sla: SlaPolicy | None = None) -> dict[str, Any]:
    """`packet`: the packet as this agent may see it (EscalationService.detail), else the stored one."""
    handling = escalation.handling_seconds(now)
    shown = for_agents(escalation.packet if packet is None else packet)
    if isinstance(shown.get("transcript"), list):
        shown = {**shown, "transcript": readable(line for line in shown["transcript"] if isinstance(line, dict))}
    summary = card(escalation, priority, now, sla)
    return {
        **summary,
        "email": escalation.email,
        "packet": shown,
        # The context panel's first screen carries the SLA beside the order and the facts.
        "glance": {**at_a_glance(escalation, shown, now), "sla": summary["sla"]},
        "notes": [note.public() for note in escalation.notes],
        "transfers": [transfer.public() for transfer in escalation.transfers],
        "states": [change.public() for change in escalation.states],
        # Every SLA clock with its times: when each warned, breached or was met.
        "sla_clocks": [clock.public() for clock in escalation.sla],
        "handling_seconds": round(handling, 1) if handling is not None else None,
        "queued_at": escalation.queued_at,
        "accepted_at": escalation.accepted_at,
        "closed_at": escalation.closed_at,
        "csat": (
            {"rating": escalation.csat_rating, "comment": escalation.csat_comment}
            if escalation.csat_rating is not None else None
        ),
    }
