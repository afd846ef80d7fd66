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
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from handoff.engine.availability import Availability
from handoff.engine.summary import build_summary
from handoff.engine.timeline import Timeline
from orders.identity import normalize_order_number

logger = logging.getLogger(__name__)

PACKET_VERSION = 1
OrderLookup = Callable[[str], Awaitable[dict[str, Any] | None]]
HistoryLookup = Callable[[str, str | None], Awaitable[list[dict[str, Any]]]]


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
                 history: HistoryLookup, clock: Callable[[], float] = time.time) -> None:
        self.orders = orders
        self.knowledge = knowledge
        self.history = history
        self.clock = clock

    async def build(self, *, sender_id: str, timeline: Timeline, decision: Decision,
                    availability: Availability | None = None, source: str = "tracker") -> dict[str, Any]:
        slots = timeline.slots
        summary = build_summary(timeline, decision.reason, decision.score, decision.signals)
        order_number = slots.get("order_number") or next(
            (e["value"] for e in timeline.entities if e["entity"] == "order_number"), None)
        proved = verified_orders(slots)
        order_verified = bool(order_number) and _canonical(order_number) in proved
        # The bot puts an address in the slot `email` only once it verified an order with it;
        # one only typed may be anybody's.
        email_verified = bool(slots.get("email")) and bool(proved)
        email = slots.get("email") if email_verified else next(
            (e["value"] for e in timeline.entities if e["entity"] == "email"), None)
        (order, order_error), articles, earlier = await asyncio.gather(
            self._order(order_number), self._articles(summary.goal, summary.main_intent),
            self._earlier(sender_id, email if email_verified else None),
        )
        if order is not None and not order_verified:
            order = unverified_order(order)
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
                "name": (order or {}).get("customer", {}).get("name") if order_verified else None,
            },
            "summary": summary.to_dict(),
            "summary_line": summary.line,
            "facts": {"slots": dict(slots), "entities": timeline.entities},
            "order": order,
            "order_error": order_error,
            "detection": {"reason": decision.reason, "score": round(decision.score, 4),
                          "signals": {k: round(v, 4) for k, v in decision.signals.items()}},
            "transcript": [line.to_dict() for line in timeline.lines],
            "earlier_escalations": earlier[0],
            "earlier_escalations_error": earlier[1],
            "suggested_articles": articles[0],
            "suggested_articles_error": articles[1],
            "availability": availability.to_dict() if availability else None,
            "follow_up": None,
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

    async def _earlier(self, sender_id: str, email: Any) -> tuple[list[dict[str, Any]], str | None]:
        try:
            return await self.history(sender_id, str(email) if email else None), None
        except Exception as error:
            logger.warning("Earlier escalations of %s failed: %s", sender_id, error)
            return [], f"escalation history: {type(error).__name__}: {error}"
