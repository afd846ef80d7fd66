"""The context packet: everything an agent needs on taking a conversation, in one JSON object,
so they never ask for what the customer already said.

Each outside source (Rasa's tracker, the order backend, the knowledge service, earlier
escalations) may fail on its own; the packet then says what is missing and why, and is built
anyway. A packet is never lost to one slow or broken dependency.

What an agent sees of an order follows what the customer proved in this conversation (the
bot's slots `verified_orders` and `order_verified`, bot/actions/order_flows/verification.py).
The name, email, postcode, city and payment on an order are exactly what a caller needs to pass
verification, so for an order not verified here the packet keeps only what the customer typed
and the order's state, marked "not verified"; earlier escalations are found by an e-mail
address only when it was verified too.

The customer (`customer`: handoff/customers/) is looked up only when this conversation verified
an order: the record of the customer whose order it was, on any channel, with their other
conversations; those conversations' escalations join `earlier_escalations`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from handoff.engine.availability import Availability
from handoff.engine.note import build_note
from handoff.engine.summary import build_summary
from handoff.engine.timeline import Timeline
from orders.identity import normalize_order_number

logger = logging.getLogger(__name__)

PACKET_VERSION = 1
OrderLookup = Callable[[str], Awaitable[dict[str, Any] | None]]
HistoryLookup = Callable[[str, str | None], Awaitable[list[dict[str, Any]]]]
CustomerLookup = Callable[[str], Awaitable[dict[str, Any] | None]]
MAX_EARLIER = 30


@dataclass(frozen=True)
class Decision:
    reason: str
    score: float
    signals: Mapping[str, float]


NOT_VERIFIED = "not verified"
NOT_VERIFIED_NOTICE = ("not verified: the customer has not proved this order is theirs in this conversation; "
                       "only its state is shown")
# What an agent sees of an order the customer has not verified: its number (as typed) and state.
UNVERIFIED_ORDER_FIELDS = ("number", "status")


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _canonical(order_number: Any) -> str | None:
    return normalize_order_number(str(order_number)) if order_number else None


def verified_orders(slots: Mapping[str, Any]) -> set[str]:
    """The order numbers the customer verified in this conversation."""
    listed = slots.get("verified_orders")
    numbers = {_canonical(n) for n in listed} if isinstance(listed, list) else set()
    if _true(slots.get("order_verified")):
        numbers.add(_canonical(slots.get("order_number")))
    return {n for n in numbers if n}


def unverified_order(order: Mapping[str, Any]) -> dict[str, Any]:
    return {**{k: order.get(k) for k in UNVERIFIED_ORDER_FIELDS}, "verified": False, "notice": NOT_VERIFIED_NOTICE}


def typed_order_number(timeline: Timeline) -> str | None:
    """An order number the customer typed in the shop's own form (LK-100235, lk100235) that no
    slot or entity caught: the NLU may miss one, the agent must not."""
    for line in timeline.customer_lines:
        for token in re.split(r"[^\w#-]+", line.text):
            if token.lower().lstrip("#").startswith("lk") and (number := normalize_order_number(token)):
                return number
    return None


def for_agents(packet: dict[str, Any]) -> dict[str, Any]:
    """A stored packet as agents may see it: one built before verification decided what an
    order shows still loses the order's details unless the order was verified."""
    order, identity = packet.get("order"), packet.get("identity")
    verified = isinstance(identity, dict) and identity.get("verified") is True
    if isinstance(order, dict) and not verified and set(order) - {*UNVERIFIED_ORDER_FIELDS, "verified", "notice"}:
        return {**packet, "order": unverified_order(order)}
    return packet


class ContextBuilder:
    def __init__(self, *, orders: OrderLookup | None, knowledge: Callable[[str], Awaitable[list[dict[str, Any]]]],
                 history: HistoryLookup, clock: Callable[[], float] = time.time,
                 customers: CustomerLookup | None = None) -> None:
        self.orders = orders
        self.knowledge = knowledge
        self.history = history
        self.clock = clock
        self.customers = customers

    async def build(self, *, sender_id: str, timeline: Timeline, decision: Decision,
                    availability: Availability | None = None, source: str = "tracker") -> dict[str, Any]:
        slots = timeline.slots
        summary = build_summary(timeline, decision.reason, decision.score, decision.signals)
        order_number = slots.get("order_number") or next(
            (e["value"] for e in timeline.entities if e["entity"] == "order_number"),
            None) or typed_order_number(timeline)
        proved = verified_orders(slots)
        order_verified = bool(order_number) and _canonical(order_number) in proved
        # The bot puts an address in the slot `email` only once it verified an order with it;
        # one only typed may be anybody's.
        email_verified = bool(slots.get("email")) and bool(proved)
        email = slots.get("email") if email_verified else next(
            (e["value"] for e in timeline.entities if e["entity"] == "email"), None)
        (order, order_error), articles, earlier, (customer, customer_error) = await asyncio.gather(
            self._order(order_number), self._articles(summary.goal, summary.main_intent),
            self._earlier(sender_id, email if email_verified else None), self._customer(sender_id, bool(proved)),
        )
        if order is not None and not order_verified:
            order = unverified_order(order)
        name = (order or {}).get("customer", {}).get("name") if order_verified else None
        note = build_note(
            timeline, goal=summary.goal, intent=summary.main_intent, reason=decision.reason,
            order_number=_canonical(order_number), name=name, order=order,
            availability=availability.to_dict() if availability else None,
            today=datetime.fromtimestamp(self.clock(), UTC).date())
        packet: dict[str, Any] = {
            "version": PACKET_VERSION,
            "built_at": self.clock(),
            "source": source,
            "sender_id": sender_id,
            "channel": timeline.channel,
            "identity": {
                "order_number": order_number, "email": email, "postcode": slots.get("postcode"),
                "verified": order_verified, "email_verified": email_verified,
                "verification": "verified" if order_verified else NOT_VERIFIED,
                # The name comes from the order, so only once the customer proved it is theirs.
                "name": name,
            },
            # The colleague's note first (handoff/engine/note.py), the detailed sections after it.
            "summary": {"note": note, **summary.to_dict()},
            "summary_line": summary.line,
            "facts": {"slots": dict(slots), "entities": timeline.entities},
            "order": order,
            "order_error": order_error,
            "detection": {"reason": decision.reason, "score": round(decision.score, 4),
                          "signals": {k: round(v, 4) for k, v in decision.signals.items()}},
            "transcript": [line.to_dict() for line in timeline.lines],
            "earlier_escalations": with_customers_escalations(earlier[0], customer),
            # The escalations themselves are in earlier_escalations, where the console keeps
            # what the agent's teams may see (decision 0123); here only which they were.
            "customer": without_escalations(customer),
            "earlier_escalations_error": earlier[1],
            "suggested_articles": articles[0],
            "suggested_articles_error": articles[1],
            "availability": availability.to_dict() if availability else None,
            "follow_up": None,
            "customer_error": customer_error,
        }
        return packet

    async def _order(self, order_number: Any) -> tuple[dict[str, Any] | None, str | None]:
        if not order_number:
            return None, None
        if self.orders is None:
            return None, "no order backend is configured"
        try:
            order = await self.orders(str(order_number))
        except Exception as error:  # any backend failure must leave the packet intact
            logger.warning("Order snapshot for %s failed: %s", order_number, error)
            return None, f"order backend: {type(error).__name__}: {error}"
        return (order, None) if order else (None, f"no order {order_number} in the order backend")

    async def _articles(self, goal: str, intent: str | None) -> tuple[list[dict[str, Any]], str | None]:
        query = goal if not goal.startswith("(") else (intent or "").replace("_", " ")
        if not query.strip():
            return [], None
        try:
            return await self.knowledge(query), None
        except Exception as error:  # suggestions are a help, never a reason to fail
            logger.warning("Knowledge suggestions failed: %s", error)
            return [], f"knowledge service: {type(error).__name__}: {error}"

    async def _customer(self, sender_id: str, verified: bool) -> tuple[dict[str, Any] | None, str | None]:
        if not verified or self.customers is None:
            return None, None
        try:
            return await self.customers(sender_id), None
        except Exception as error:  # the customer record is a help, never a reason to fail
            logger.warning("Customer record of %s failed: %s", sender_id, error)
            return None, f"customer record: {type(error).__name__}: {error}"

    async def _earlier(self, sender_id: str, email: Any) -> tuple[list[dict[str, Any]], str | None]:
        try:
            return await self.history(sender_id, str(email) if email else None), None
        except Exception as error:
            logger.warning("Earlier escalations of %s failed: %s", sender_id, error)
            return [], f"escalation history: {type(error).__name__}: {error}"


def with_customers_escalations(earlier: list[dict[str, Any]],
                               customer: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The earlier escalations found by conversation and email, and those of the customer's
    other conversations (any channel), each once, newest first."""
    found = {e["id"]: e for e in earlier if isinstance(e, dict) and isinstance(e.get("id"), int)}
    for conversation in (customer or {}).get("conversations") or []:
        for escalation in conversation.get("escalations") or []:
            if isinstance(escalation, dict) and isinstance(escalation.get("id"), int):
                found.setdefault(escalation["id"], escalation)
    return sorted(found.values(), key=lambda e: -e["id"])[:MAX_EARLIER]


def without_escalations(customer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The customer part of the packet: who, which conversations on which channels, which orders;
    the escalations (with their follow-ups) only by id."""
    if not customer:
        return None
    conversations = [
        {**{k: v for k, v in c.items() if k != "escalations"},
         "escalation_ids": [e.get("id") for e in c.get("escalations") or [] if isinstance(e, Mapping)]}
        for c in customer.get("conversations") or [] if isinstance(c, Mapping)]
    return {**{k: v for k, v in customer.items() if k not in ("conversations", "open_tasks")},
            "conversations": conversations,
            "open_tasks": len(customer.get("open_tasks") or [])}
