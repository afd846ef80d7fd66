"""The context panel's first screen (issue 24): order card, fact chips, what the customer was
told and promised, earlier conversations with dates; internal slots never among the facts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from handoff.escalations.panel import at_a_glance, order_card
from handoff.store import Escalation
from handoff.store.records import Told

NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC).timestamp()
LATE_ORDER = {
    "number": "LK-100235", "status": "shipped",
    "shipments": [{"carrier": "Canada Post", "service": "Standard", "tracking_number": "CP1",
                   "tracking_url": "https://track.example/CP1", "promised_date": "2026-12-03", "delivered_at": None,
                   "events": [{"time": "2026-12-05T10:00:00+00:00", "status": "in_transit",
                               "location": "Toronto, ON", "description": "Processed at facility"}]}],
}


def escalation(**fields: object) -> Escalation:
    base: dict = dict(id=7, sender_id="s", channel="rest", email=None, reason="explicit_request", team="delivery",
                      frustration=0.2, state="queued", agent=None, agent_name=None, packet={}, outcome=None,
                      follow_up=None, follow_up_email=None, csat_rating=None, csat_comment=None, created_at=NOW,
                      queued_at=NOW, accepted_at=None, closed_at=None, states=(), notes=())
    return Escalation(**{**base, **fields})


def test_a_late_parcel_reads_as_one_line() -> None:
    card = order_card(LATE_ORDER, date(2026, 12, 6))
    assert card is not None
    assert (card["state"], card["late_by_days"], card["carrier"]) == ("late", 3, "Canada Post Standard")
    assert card["tracking_url"] == "https://track.example/CP1" and card["last_scan_date"] == "2026-12-05"
    on_time = order_card({**LATE_ORDER, "shipments": [{**LATE_ORDER["shipments"][0], "promised_date": "2026-12-09"}]},
                         date(2026, 12, 6))
    assert on_time is not None and (on_time["state"], on_time["late_by_days"]) == ("in transit", 0)
    assert order_card(None, date(2026, 12, 6)) is None


def test_facts_told_promised_and_earlier() -> None:
    packet = {
        "identity": {"order_number": "LK-100235", "postcode": "M5V 2T6", "verified": True, "name": "Liam Tremblay"},
        "facts": {"slots": {"order_number": "LK-100235", "kb_alternatives": ["x"], "unresolved_reason": "lost",
                            "return_items": ["wool sweater (L)"]}},
        "order": LATE_ORDER,
        "availability": {"available": False, "open_now": False, "next_opening": "2026-12-07T08:00:00-05:00"},
        "transcript": [{"role": "customer", "text": "a person please"},
                       {"role": "bot", "text": "Our team is away; they are back Monday at 8 am."}],
        "earlier_escalations": [{"id": 3, "created_at": 1796527551.24496, "outcome": "resolved", "team": "delivery",
                                 "summary_line": "Asked about a refund"}],
    }
    away = ("I'm sorry: our support team is away right now. People answer chats Monday to Friday, 8 am to 6 pm "
            "(Toronto time). They are back Monday at 8 am. I've saved our conversation for them, so you won't "
            "need to repeat anything. If you'd like a person to email you, type your email address here.")
    recorded = "Thank you. A person from our team will email you at liam@example.com."
    told = (Told(NOW - 60, away), Told(NOW - 30, recorded))
    glance = at_a_glance(escalation(follow_up="email", follow_up_email="liam@example.com", told=told), packet, NOW)
    chips = {chip["label"]: chip["value"] for chip in glance["facts"]}
    assert chips == {"Name": "Liam Tremblay", "Order": "LK-100235", "Postcode": "M5V 2T6",
                     "Returning": "wool sweater (L)", "Identity": "verified"}  # no kb_* or reasons
    # What the engine sent, not words re-derived from the availability in the packet.
    assert glance["told"][0] == ("told: I'm sorry: our support team is away right now. People answer chats Monday "
                                 "to Friday, 8 am to 6 pm (Toronto time). They are back Monday at 8 am. I've saved our "
                                 "conversation for them, so you won't need to repeat anything. …")
    assert glance["told"][1:3] == [f"told: {recorded}", "asked to be emailed at liam@example.com"]
    assert glance["told"][3].startswith("bot said last: Our team is away")
    assert glance["earlier"] == [{"id": 3, "summary_line": "Asked about a refund",
                                  "date": "2026-12-06T03:25:51.244960+00:00", "outcome": "resolved",
                                  "team": "delivery", "csat_rating": None, "channel": None,
                                  "this_conversation": True, "open_tasks": []}]
    assert glance["customer"] is None  # no order verified here: no customer record
    assert glance["order"]["late_by_days"] == 3
    # Told nothing (the engine's message never went out): nothing is claimed from the availability.
    declined = at_a_glance(escalation(follow_up="declined"), {"availability": {"available": True,
                                                                               "expected_wait_seconds": 240}}, NOW)
    assert declined["told"] == ["declined an email follow-up"]


def test_earlier_conversations_of_the_customer_on_other_channels() -> None:
    """The customer record (handoff/customers/): their other conversations' escalations, with
    channel, outcome, rating and open follow-ups, and who they are across channels."""
    packet = {
        "sender_id": "7001234",
        "earlier_escalations": [
            {"id": 9, "sender_id": "web-7f3a", "channel": "socketio", "created_at": NOW - 86_400,
             "outcome": "resolved", "team": "returns", "csat_rating": 5, "summary_line": "Exchange of the boots",
             "open_tasks": [{"note": "check the exchange shipped", "due_at": NOW + 3600, "state": "open"}] * 9},
            {"id": 8, "sender_id": "7001234", "channel": "telegram", "created_at": NOW - 7200, "state": "failed",
             "team": "returns"},
            {"id": "not a number"}, "junk",
        ],
        "customer": {"id": 4, "name": "Omar Haddad", "email": "omar.h@example.com",
                     "orders": ["LK-100232", "LK-100233"],
                     "conversations": [{"channel": "telegram"}, {"channel": "socketio"}, "junk"]},
    }
    glance = at_a_glance(escalation(), packet, NOW)
    widget, telegram = glance["earlier"]
    assert (widget["channel"], widget["outcome"], widget["csat_rating"], widget["this_conversation"]) == (
        "Website chat", "resolved", 5, False)
    assert len(widget["open_tasks"]) == 5 and widget["open_tasks"][0]["note"] == "check the exchange shipped"
    assert (telegram["channel"], telegram["outcome"], telegram["this_conversation"]) == ("Telegram", "failed", True)
    assert glance["customer"] == {"id": 4, "name": "Omar Haddad", "email": "omar.h@example.com",
                                  "orders": ["LK-100232", "LK-100233"], "conversations": 2,
                                  "channels": ["Telegram", "Website chat"]}


def test_a_reminder_said_many_times_is_listed_once_in_its_latest_place() -> None:
    said = [Told(NOW + i, text) for i, text in enumerate(
        ["Someone joins shortly.", "Still in line.", "Still in line.", "Next in line.", "Two ahead.", "One ahead."])]
    assert at_a_glance(escalation(told=tuple(said)), {}, NOW)["told"] == [
        "told: Someone joins shortly.", "told: Next in line.", "told: Two ahead.", "told: One ahead."]


def test_the_colleagues_note_comes_first_and_is_bounded() -> None:
    note = ["Liam O'Brien asks where order LK-100235 (down parka) is: \"where's my parka\". It is 3 days late.",
            "Bot answered \"I can refund the shipping cost.\". Handed over: the customer is frustrated."]
    glance = at_a_glance(escalation(), {"summary": {"note": note, "text": "Wants: ..."}}, NOW)
    assert next(iter(glance)) == "note" and glance["note"] == note
    # A packet stored before the note existed, or a hostile one, shows no note rather than failing.
    assert at_a_glance(escalation(), {"summary": "not a mapping"}, NOW)["note"] == []
    long = at_a_glance(escalation(), {"summary": {"note": ["x " * 1000, "y", "z"]}}, NOW)["note"]
    assert len(long) == 2 and len(long[0]) <= 480
