"""The context packet, built from realistic trackers with the real order backend (demo SQLite),
the real knowledge service and the real escalation store; each source failing on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.clients.knowledge import KnowledgeSuggestions
from handoff.clients.orders import order_lookup_from_backend
from handoff.engine.context import ContextBuilder, Decision
from handoff.engine.timeline import from_tracker
from handoff.services import history_of
from orders.demo_store import DemoStore
from orders.http_adapter import HttpOrderBackend
from tests.conftest import Stack, free_port
from tests.handoff.engine.conftest import Services
from tests.handoff.engine.transcripts import delivery_stuck_tracker, verified_return_tracker

FRUSTRATED = Decision("frustration", 0.83, {"shouting": 0.9, "complaint": 1.2})


@pytest.fixture
def orders(tmp_path: Path):
    return order_lookup_from_backend(lambda: DemoStore.open(tmp_path / "orders.db"))


async def test_packet_for_a_customer_stuck_on_a_delivery(services: Services, knowledge_stack: Stack, orders) -> None:
    builder = ContextBuilder(orders=orders, knowledge=KnowledgeSuggestions(knowledge_stack.url("knowledge")),
                             history=history_of(services.escalations))
    packet = await builder.build(sender_id="cust-1", timeline=from_tracker(delivery_stuck_tracker()),
                                 decision=FRUSTRATED)
    assert packet["sender_id"] == "cust-1" and packet["channel"] == "rest"
    # Typed, never confirmed by a flow: the order number is known but the customer is not verified.
    assert packet["identity"]["order_number"] == "LK-100235"
    assert packet["identity"]["verified"] is False and packet["identity"]["name"] is None
    assert packet["order"]["number"] == "LK-100235" and packet["order_error"] is None
    assert packet["summary_line"].startswith("frustration (0.83) · LK-100235")
    assert packet["summary"]["goal"].startswith("where is my order LK-100235")
    assert packet["detection"] == {"reason": "frustration", "score": 0.83,
                                   "signals": {"shouting": 0.9, "complaint": 1.2}}
    assert {"entity": "order_number", "value": "LK-100235"}.items() <= packet["facts"]["entities"][0].items()
    assert packet["facts"]["slots"]["kb_article"] == "shipping-tracking"
    # The whole transcript with times, the customer's lines with their NLU result.
    assert len(packet["transcript"]) == 9 and all("time" in line for line in packet["transcript"])
    assert packet["transcript"][-2]["intent"] == "nlu_fallback"
    # Articles about where an order is, for the agent to send on.
    assert packet["suggested_articles"] and packet["suggested_articles_error"] is None
    assert len(packet["suggested_articles"]) <= 3
    assert all(a["url"] and a["title"] for a in packet["suggested_articles"])
    assert packet["earlier_escalations"] == []


async def test_earlier_escalations_are_found_by_conversation_and_by_email(services: Services, orders) -> None:
    await services.escalations.open(sender_id="cust-2", channel="rest", reason="explicit_request", team="general",
                                    frustration=0.1, packet={"summary_line": "first time"})
    await services.escalations.open(sender_id="telegram-77", channel="telegram", reason="lost_parcel",
                                    team="delivery", frustration=0.3,
                                    packet={"summary_line": "lost parcel", "identity": {"email": "omar.h@example.com"}})
    builder = ContextBuilder(orders=orders, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                             history=history_of(services.escalations))
    packet = await builder.build(sender_id="cust-2", timeline=from_tracker(verified_return_tracker()),
                                 decision=Decision("policy_exception", 0.2, {}))
    assert sorted(e["summary_line"] for e in packet["earlier_escalations"]) == ["first time", "lost parcel"]
    # Verified: the name comes from the order.
    assert packet["identity"] == {"order_number": "LK-100233", "email": "omar.h@example.com", "postcode": None,
                                  "verified": True, "name": "Omar Haddad"}
    assert packet["channel"] == "socketio"
    # The knowledge service is down: no suggestions, the reason noted, the packet built anyway.
    assert packet["suggested_articles"] == []
    assert packet["suggested_articles_error"].startswith("knowledge service: ConnectError")


async def test_order_backend_down_or_order_unknown(services: Services, orders) -> None:
    down = order_lookup_from_backend(lambda: HttpOrderBackend(f"http://127.0.0.1:{free_port()}", timeout=1))
    builder = ContextBuilder(orders=down, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                             history=history_of(services.escalations))
    packet = await builder.build(sender_id="cust-1", timeline=from_tracker(delivery_stuck_tracker()),
                                 decision=FRUSTRATED)
    assert packet["order"] is None and packet["order_error"].startswith("order backend: BackendUnavailable")
    assert packet["summary_line"]  # everything else is still there

    tracker = delivery_stuck_tracker()
    tracker["slots"]["order_number"] = "LK-999999"
    packet = await ContextBuilder(orders=orders, knowledge=builder.knowledge, history=builder.history).build(
        sender_id="cust-1", timeline=from_tracker(tracker), decision=FRUSTRATED)
    assert packet["order"] is None and packet["order_error"] == "no order LK-999999 in the order backend"
    packet = await ContextBuilder(orders=None, knowledge=builder.knowledge, history=builder.history).build(
        sender_id="cust-1", timeline=from_tracker(tracker), decision=FRUSTRATED)
    assert packet["order"] is None and packet["order_error"] == "no order backend is configured"
