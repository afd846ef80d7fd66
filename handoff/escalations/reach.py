"""Where an agent's follow-up reaches the customer (issue 21): on the channel they last used, and
on WhatsApp only inside its 24-hour customer-service window (decision 0222).

The channel they last used: of this escalation's conversation and the other conversations of the
same customer (one customer across channels, handoff/customers/, linked only by a verified
order), the one with the customer's latest message, as the conversation store has it. A follow-up
on the widget conversation of a customer who has since written on Telegram goes to Telegram.

WhatsApp (Rasa's `twilio` channel with a `whatsapp:` sender; the same connector carries SMS)
delivers a business's free-form message only within 24 hours of the customer's last message;
outside it Meta asks for a pre-approved template, which Baton does not send. So outside the
window the chat message is refused with the reason, and the email form is offered (POST
/escalations/{id}/emails) when the customer left an address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from handoff.conversations.store import ConversationStore
from handoff.errors import Conflict
from handoff.escalations.labels import channel_label, is_whatsapp
from handoff.escalations.service import EscalationService
from handoff.store import Escalation
from handoff.store import customers as customer_rows

WINDOW_SECONDS = 24 * 3600
# The transcript lines read back per conversation to find the customer's latest message: a
# conversation where the customer's last words are further back than this is a stale one.
LOOK_BACK_LINES = 200
MAX_CONVERSATIONS = 10  # of one customer, looked at (the store keeps a bounded number too)


@dataclass(frozen=True)
class Reach:
    """Where a follow-up goes: the conversation and its channel, and whether a chat message can go."""

    sender_id: str
    channel: str | None
    last_customer_at: float | None
    whatsapp: bool
    window_closes_at: float | None  # WhatsApp only
    open: bool
    reason: str | None  # why a chat message cannot go now
    email: str | None  # where the customer can be emailed instead, if they left an address

    def public(self, escalation: Escalation) -> dict[str, Any]:
        return {
            "channel": self.channel, "channel_label": channel_label(self.channel, self.sender_id),
            "this_conversation": self.sender_id == escalation.sender_id, "last_customer_at": self.last_customer_at,
            "whatsapp": self.whatsapp, "window_closes_at": self.window_closes_at, "open": self.open,
            "reason": self.reason, "email_offered": self.email is not None,
        }


def _moment(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%A %d %B at %H:%M UTC")


class ChannelReach:
    def __init__(self, escalations: EscalationService, conversations: ConversationStore,
                 clock: Callable[[], float] = time.time) -> None:
        self.escalations = escalations
        self.conversations = conversations
        self.clock = clock

    async def last_customer_line(self, sender_id: str) -> tuple[float | None, str | None]:
        """When the customer last wrote in this conversation, and on which channel."""
        state = await self.conversations.state(sender_id)
        for line in reversed(await self.conversations.recent(sender_id, LOOK_BACK_LINES)):
            # trigger_intent's messages (the hand-back) are the service's, not the customer's
            said = line.get("role") == "customer" and not line.get("external")
            if said and isinstance(line.get("time"), (int, float)):
                return float(line["time"]), line.get("channel") or state.get("channel")
        return None, state.get("channel")

    async def _candidates(self, escalation: Escalation) -> list[str]:
        customers = await self.escalations.db.run(lambda s: customer_rows.of_sender(s, escalation.sender_id))
        others = [c.sender_id for c in customers[0].conversations] if customers else []
        return [escalation.sender_id, *[o for o in others if o != escalation.sender_id][:MAX_CONVERSATIONS]]

    async def of(self, escalation: Escalation) -> Reach:
        best: tuple[float, str, str | None] | None = None
        own_channel = escalation.channel
        for sender in await self._candidates(escalation):
            at, channel = await self.last_customer_line(sender)
            if sender == escalation.sender_id:
                own_channel = channel or escalation.channel
            if at is not None and (best is None or at > best[0]):
                best = (at, sender, channel)
        sender, channel, last = (best[1], best[2], best[0]) if best else (escalation.sender_id, own_channel, None)
        email = escalation.follow_up_email or escalation.email
        if not is_whatsapp(channel, sender):
            return Reach(sender, channel, last, False, None, True, None, email)
        closes = last + WINDOW_SECONDS if last is not None else None
        if closes is not None and self.clock() < closes:
            return Reach(sender, channel, last, True, closes, True, None, email)
        when = f"their last message was on {_moment(last)}" if last is not None else "no message of theirs is on record"
        instead = ("Answer by email instead: the email form is below." if email else
                   "No email address is known for them: set a follow-up for when they write again.")
        reason = (f"WhatsApp only delivers our messages within 24 hours of the customer's last message, and {when}. "
                  f"{instead}")
        return Reach(sender, channel, last, True, closes, False, reason, email)

    async def chat_target(self, escalation: Escalation) -> str:
        """The conversation a chat message to the customer goes to now; refused (409) outside
        WhatsApp's window. EscalationService.chat_target calls it (set by services.py)."""
        reach = await self.of(escalation)
        if not reach.open:
            raise Conflict(reach.reason or "the customer cannot be reached by chat now")
        return reach.sender_id
