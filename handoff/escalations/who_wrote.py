"""Who wrote a stream entry, as the timers that wait on people read it: an agent (a chat message or
an email), or the customer with something that needs an answer. Auto-resolve
(escalations/auto_resolve.py) and the SLA clocks (escalations/sla.py) both wait on it, so they
read it here, once, with one rule."""

from __future__ import annotations

from typing import Literal

from contract import bot_handoff as contract
from handoff.engine.engine import QUIET_INTENTS
from handoff.escalations.acknowledgements import needs_no_action
from handoff.escalations.email_replies import AGENT_EMAIL
from handoff.stream.events import StreamEvent

AGENT_KINDS = frozenset({contract.AGENT_MESSAGE, AGENT_EMAIL})
Writer = Literal["agent", "customer"]


def who_wrote(event: StreamEvent) -> Writer | None:
    """"agent" for a person's words to the customer; "customer" for words that need an answer
    (not the bot's own triggers, not an empty line, not "thanks!"); None for anything else."""
    if not event.sender_id or not event.event:
        return None
    if event.type == "bot" and event.metadata.get("kind") in AGENT_KINDS:
        return "agent"
    if event.type == "user":
        intent = ((event.event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = str(event.event.get("text") or "")
        if intent in QUIET_INTENTS or not text.strip() or needs_no_action(text):
            return None
        return "customer"
    return None
