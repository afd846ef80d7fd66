"""The context packet, built from realistic trackers with the real order backend (demo SQLite),
the real knowledge service and the real escalation store; each source failing on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.clients.knowledge import KnowledgeSuggestions
from handoff.clients.orders import order_lookup_from_backend
from handoff.customers.directory import CustomerDirectory
from handoff.engine.context import NOT_VERIFIED_NOTICE, ContextBuilder, Decision, for_agents
from handoff.engine.timeline import from_tracker
from handoff.services import history_of
from handoff.store import customers as customer_rows
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
    assert packet["order_error"] is None
    # Not verified: the agent sees the number and the state, marked, and nothing a caller could
    # use to pass verification (issue 19, finding 5).
    assert packet["order"] == {"number": "LK-100235", "status": packet["order"]["status"], "verified": False,
                               "notice": NOT_VERIFIED_NOTICE}
    assert packet["order"]["status"] and packet["identity"]["verification"] == "not verified"
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
                                    packet={"summary_line": "lost parcel",
                                            "identity": {"email": "omar.h@example.com", "email_verified": True}})
    builder = ContextBuilder(orders=orders, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                             history=history_of(services.escalations))
    packet = await builder.build(sender_id="cust-2", timeline=from_tracker(verified_return_tracker()),
                                 decision=Decision("policy_exception", 0.2, {}))
    assert sorted(e["summary_line"] for e in packet["earlier_escalations"]) == ["first time", "lost parcel"]
    # Verified: the name comes from the order.
    assert packet["identity"] == {"order_number": "LK-100233", "email": "omar.h@example.com", "postcode": None,
                                  "verified": True, "email_verified": True, "verification": "verified",
                                  "name": "Omar Haddad"}
    assert packet["order"]["customer"]["name"] == "Omar Haddad" and packet["order"]["items"]
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


async def test_a_typed_email_and_an_order_verified_for_another_number_disclose_nothing(
        services: Services, orders) -> None:
    """Issue 19, finding 5: the packet showed any order the customer typed in full, and earlier
    escalations of any e-mail address they typed."""
    await services.escalations.open(sender_id="telegram-77", channel="telegram", reason="lost_parcel",
                                    team="delivery", frustration=0.3,
                                    packet={"summary_line": "Omar's lost parcel",
                                            "identity": {"email": "omar.h@example.com", "verified": True}})
    builder = ContextBuilder(orders=orders, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                             history=history_of(services.escalations))
    tracker = verified_return_tracker()
    # Verified LK-100233 earlier, now asks about a neighbour's order and types someone's address.
    tracker["slots"].update({"order_number": "LK-100231", "order_verified": False, "email": None,
                             "verified_orders": ["LK-100233"]})
    tracker["events"].append({"event": "user", "text": "and lk100231, my email is omar.h@example.com",
                              "timestamp": 60.0, "parse_data": {
                                  "intent": {"name": "inform", "confidence": 0.9},
                                  "entities": [{"entity": "email", "value": "omar.h@example.com"}]}})
    packet = await builder.build(sender_id="cust-3", timeline=from_tracker(tracker),
                                 decision=Decision("explicit_request", 0.2, {}))
    assert packet["identity"]["verified"] is False and packet["identity"]["name"] is None
    assert packet["identity"]["email"] == "omar.h@example.com"  # what the customer typed, shown as typed
    assert packet["identity"]["email_verified"] is False
    assert set(packet["order"]) == {"number", "status", "verified", "notice"}
    assert packet["earlier_escalations"] == []  # not looked up by an address nobody verified
    escalation = await services.escalations.open(sender_id="cust-3", channel="rest", reason="explicit_request",
                                                 team="general", frustration=0.2, packet=packet)
    assert escalation.email is None  # nor filed under it, to be found by it later

    # The order verified in this conversation, in any spelling, is shown in full.
    tracker["slots"]["order_number"] = "lk 100233"
    packet = await builder.build(sender_id="cust-3", timeline=from_tracker(tracker),
                                 decision=Decision("explicit_request", 0.2, {}))
    assert packet["identity"]["verified"] is True and packet["order"]["customer"]["name"] == "Omar Haddad"


def test_a_stored_packet_of_an_unverified_order_is_shown_without_its_details() -> None:
    full = {"number": "LK-100231", "status": "shipped", "customer": {"name": "Ann"}, "email": "ann@example.com",
            "postcode": "94110", "city": "San Francisco", "payment": {"card": "visa 4242"}}
    old = {"identity": {"order_number": "LK-100231", "verified": False}, "order": full}
    assert for_agents(old)["order"] == {"number": "LK-100231", "status": "shipped", "verified": False,
                                        "notice": NOT_VERIFIED_NOTICE}
    verified = {"identity": {"verified": True}, "order": full}
    assert for_agents(verified) == verified
    assert for_agents({"order": None}) == {"order": None}


async def test_the_customer_record_only_when_this_conversation_verified_an_order(services: Services, orders) -> None:
    """Issue 21: the packet carries the customer (their conversations on every channel, orders,
    open follow-ups) and their other conversations' escalations; never for a conversation that
    verified nothing, even one linked before under the same sender id."""
    directory = CustomerDirectory(services.escalations)
    widget = await services.escalations.open(sender_id="web-7f3a", channel="socketio", reason="damaged_item",
                                             team="returns", frustration=0.1, packet={"summary_line": "torn sweater"})
    for sender, channel, order in (("web-7f3a", "socketio", "LK-100232"), ("cust-2", "telegram", "LK-100233"),
                                   ("cust-1", "telegram", "LK-100233")):
        await services.db.run(lambda s, sender=sender, channel=channel, order=order: customer_rows.link(
            s, email="omar.h@example.com", name="Omar Haddad", sender_id=sender, channel=channel, orders=[order],
            now=1000.0))
    builder = ContextBuilder(orders=orders, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                             history=history_of(services.escalations), customers=directory.snapshot)
    packet = await builder.build(sender_id="cust-2", timeline=from_tracker(verified_return_tracker()),
                                 decision=Decision("policy_exception", 0.2, {}))
    customer = packet["customer"]
    assert (customer["email"], customer["name"], customer["open_tasks"]) == ("omar.h@example.com", "Omar Haddad", 0)
    assert sorted(customer["orders"]) == ["LK-100232", "LK-100233"]
    assert sorted(c["channel"] for c in customer["conversations"]) == ["socketio", "telegram", "telegram"]
    assert [c["escalation_ids"] for c in customer["conversations"] if c["channel"] == "socketio"] == [[widget.id]]
    assert [(e["id"], e["channel"]) for e in packet["earlier_escalations"]] == [(widget.id, "socketio")]
    assert packet["customer_error"] is None
    # Not verified here: no customer, whatever the sender id was linked to before.
    unverified = await builder.build(sender_id="cust-1", timeline=from_tracker(delivery_stuck_tracker()),
                                     decision=FRUSTRATED)
    assert unverified["customer"] is None and unverified["earlier_escalations"] == []


def test_an_order_number_typed_in_the_shops_form_is_read_when_the_nlu_missed_it() -> None:
    from handoff.engine.context import typed_order_number
    from handoff.engine.timeline import Line, Timeline

    def typed(*texts: str) -> str | None:
        return typed_order_number(Timeline(lines=[Line(role="customer", text=t, time=0.0) for t in texts]))

    assert typed("hi", "wher is my ordr lk100235 pls") == "LK-100235"
    assert typed("order #LK-100236, where is it") == "LK-100236"
    # Six digits alone may be anything (an amount, a phone number): only the shop's own form counts.
    assert typed("I paid 100235 yen", "postcode 75011") is None
    assert typed("") is None


async def test_the_note_names_the_customer_and_the_item_only_for_an_order_verified_here(
        services: Services, orders) -> None:
    builder = ContextBuilder(orders=orders, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                             history=history_of(services.escalations))
    verified = await builder.build(sender_id="cust-4", timeline=from_tracker(verified_return_tracker()),
                                   decision=Decision("policy_exception", 0.2, {}))
    first, second = verified["summary"]["note"]
    assert first.startswith("Omar Haddad ") and "LK-100233 (hiking boots)" in first
    assert second.endswith("Handed over: the customer asks for an exception to the policy, "
                           "which only a person can grant.")
    assert verified["summary"]["text"].startswith("Wants: ")  # the detailed sections stay below
    tracker = verified_return_tracker()
    tracker["slots"].update({"order_verified": False, "verified_orders": [], "email": None})
    unverified = await builder.build(sender_id="cust-5", timeline=from_tracker(tracker),
                                     decision=Decision("policy_exception", 0.2, {}))
    first, _ = unverified["summary"]["note"]
    assert first.startswith("The customer ") and "Omar" not in first and "hiking" not in first.split("\"")[0]
