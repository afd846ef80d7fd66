"""The context packet: everything an agent needs on taking a conversation, in one JSON object,
so they never ask for what the customer already said.

Each outside source (Rasa's tracker, the order backend, the knowledge service, earlier
escalations) may fail on its own; the packet then says what is missing and why, and is built
anyway. A packet is never lost to one slow or broken dependency.
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

logger = logging.getLogger(__name__)

PACKET_VERSION = 1
OrderLookup = Callable[[str], Awaitable[dict[str, Any] | None]]
HistoryLookup = Callable[[str, str | None], Awaitable[list[dict[str, Any]]]]


@dataclass(frozen=True)
class Decision:
    reason: str
    score: float
    signals: Mapping[str, float]


def _is_verified(slots: Mapping[str, Any]) -> bool:
    value = slots.get("order_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


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
        email = slots.get("email") or next((e["value"] for e in timeline.entities if e["entity"] == "email"), None)
        (order, order_error), articles, earlier = await asyncio.gather(
            self._order(order_number), self._articles(summary.goal, summary.main_intent),
            self._earlier(sender_id, email),
        )
        packet: dict[str, Any] = {
            "version": PACKET_VERSION,
            "built_at": self.clock(),
            "source": source,
            "sender_id": sender_id,
            "channel": timeline.channel,
            "identity": {
                "order_number": order_number, "email": email, "postcode": slots.get("postcode"),
                "verified": _is_verified(slots),
                # The name comes from the order, so only once the customer proved it is theirs.
                "name": (order or {}).get("customer", {}).get("name") if _is_verified(slots) else None,
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
