"""The order actions run against a real demo store (SQLite in a temp dir) and a real Redis (the
failure counts and locks, bot/actions/order_flows/lockout.py) with a controlled clock:
verification, the 15-minute lock, silent re-verification, the answers per demo order."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from redis.asyncio import Redis

from bot.actions.order_flows.changes import ActionAskCancelConfirmed
from bot.actions.order_flows.delivery import ActionOrderStatus, ActionRefundShipping, ValidateOrderStatusForm
from bot.actions.order_flows.lockout import LOCK_SECONDS, VerificationLockout
from bot.actions.order_flows.returns import ActionAskReturnItems, ValidateReturnForm
from orders.demo_store import DemoStore
from tests.bot.domain import domain_dict

SEEDED = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)
DOMAIN = domain_dict()


class Clock:
    def __init__(self) -> None:
        self.now = SEEDED.timestamp() + 60

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> DemoStore:
    return DemoStore.open(tmp_path / "orders.db", now=SEEDED)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def lockout(redis_url: str, clock: Clock) -> AsyncIterator[VerificationLockout]:
    client = Redis.from_url(redis_url)
    yield VerificationLockout(client, "test:verification", clock)
    await client.close()


def tracker(text: str, slots: dict[str, Any], intent: str = "inform", entities: list[dict] | None = None,
            set_now: list[str] | None = None, sender: str = "t") -> Tracker:
    events = [{"event": "user", "text": text}] + [
        {"event": "slot", "name": name, "value": slots.get(name)} for name in set_now or []]
    return Tracker(
        sender_id=sender, slots=slots,
        latest_message={"text": text, "intent": {"name": intent}, "entities": entities or []},
        events=events, paused=False, followup_action=None, active_loop={"name": "order_status_form"},
        latest_action_name="action_listen",
    )


async def verify(form: ValidateOrderStatusForm, slots: dict[str, Any], number: str, contact: str,
                 sender: str = "t") -> tuple[dict[str, Any], list[str]]:
    slots = {**slots, "order_number": number, "order_contact": contact}
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, tracker(f"{number} {contact}", slots, sender=sender,
                                                set_now=["order_number", "order_contact"]), DOMAIN)
    slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
    return slots, [m.get("text") or m.get("response") for m in dispatcher.messages]


async def test_right_pair_verifies(store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots, said = await verify(form, {}, "lk100231", "Maya.Chen@example.com")
    assert slots["order_verified"] is True and slots["order_number"] == "LK-100231"
    assert slots["email"] == "maya.chen@example.com" and slots["verified_orders"] == ["LK-100231"]
    assert slots.get("requested_slot") is None and said == []


async def test_wrong_pair_is_answered_alike_for_existing_and_missing_orders(
        store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    existing, said_existing = await verify(form, {}, "LK-100232", "94110", sender="a")
    missing, said_missing = await verify(form, {}, "LK-100299", "94110", sender="b")
    assert said_existing == said_missing and "couldn't match" in said_existing[0]
    assert {**existing, "order_number": None} == {**missing, "order_number": None}  # nothing tells them apart
    # The number is kept; the email or postcode is asked again.
    assert existing["order_number"] == "LK-100232" and existing["order_contact"] is None


async def test_the_next_email_after_a_wrong_one_is_counted(
        store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    """Issue 20, class 8: a retry keeps the number, so the next email is a second attempt, not a
    malformed order number, and the third wrong email ends the form for a person."""
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots, _ = await verify(form, {}, "LK-100231", "omar.h@example.com")
    for expected in (2, 3):
        slots["order_contact"] = "sofia.rossi@example.com"  # another customer's own email: still a failure
        dispatcher = CollectingDispatcher()
        events = await form.run(dispatcher, tracker("sofia.rossi@example.com", slots, set_now=["order_contact"]),
                                DOMAIN)
        slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
        assert slots["order_number"] == "LK-100231" and slots["verification_failures"] == expected
    assert slots["order_lookup_locked_until"] == clock.now + LOCK_SECONDS and slots["requested_slot"] is None


async def test_wrong_order_number_forgets_the_number(store: DemoStore, clock: Clock,
                                                     lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots, _ = await verify(form, {}, "LK-100239", "maya.chen@example.com")
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, tracker("/change_order_number", slots, intent="change_order_number"), DOMAIN)
    slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
    assert slots["order_number"] is None and slots["order_contact"] is None  # the form asks the number
    assert dispatcher.messages == []
    slots, _ = await verify(form, slots, "LK-100231", "maya.chen@example.com")
    assert slots["order_verified"] is True


async def test_wrong_order_number_said_with_the_right_one_takes_it(store: DemoStore, clock: Clock,
                                                                   lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots, _ = await verify(form, {}, "LK-100239", "maya.chen@example.com")
    text = "sorry, wrong order number, it's LK-100231"
    entities = [{"entity": "order_number", "value": "LK-100231"}]
    slots = {**slots, "order_number": "LK-100231"}  # Rasa's own mapping fills it from the entity
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, tracker(text, slots, intent="change_order_number", entities=entities,
                                                set_now=["order_number"]), DOMAIN)
    slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
    assert slots["order_number"] == "LK-100231" and slots["order_contact"] is None
    assert slots["verification_failures"] == 1  # the contact left from the wrong number is not tried again
    slots, _ = await verify(form, slots, "LK-100231", "maya.chen@example.com")
    assert slots["order_verified"] is True


async def test_three_failures_lock_for_15_minutes_then_count_again(
        store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots: dict[str, Any] = {}
    for _attempt in range(3):
        slots, _said = await verify(form, slots, "LK-100231", "omar.h@example.com")
    assert slots["verification_failures"] == 3
    assert slots["order_lookup_locked_until"] == clock.now + LOCK_SECONDS
    assert slots["requested_slot"] is None  # the form ends; the submit action hands over

    dispatcher = CollectingDispatcher()
    events = await ActionOrderStatus(store, clock, lockout).run(dispatcher, tracker("x", slots), {})
    assert dispatcher.messages[0]["response"] == "utter_verification_locked"
    assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": "verification_failed"} in events
    slots["verification_failures"] = 0

    # Still locked 14 minutes later, for this conversation and for a new one: the right pair is not checked.
    clock.now += 14 * 60
    for sender in ("t", "someone-new"):
        locked, _ = await verify(form, {}, "LK-100231", "maya.chen@example.com", sender=sender)
        assert not locked.get("order_verified") and locked["requested_slot"] is None
        assert locked["order_lookup_locked_until"] > clock.now
    dispatcher = CollectingDispatcher()
    still = {**locked, "verification_failures": 0}  # the conversation was told once already
    await ActionOrderStatus(store, clock, lockout).run(dispatcher, tracker("x", still), {})
    assert dispatcher.messages[0]["response"] == "utter_verification_still_locked"

    clock.now += 2 * 60
    unlocked, _ = await verify(form, {}, "LK-100231", "maya.chen@example.com")
    assert unlocked["order_verified"] is True
    # Counting starts afresh after the lock.
    again, said = await verify(form, {}, "LK-100231", "omar.h@example.com", sender="u")
    assert again["verification_failures"] == 1 and "couldn't match" in said[0]


async def test_failures_spread_over_senders_lock_the_order(store: DemoStore, clock: Clock,
                                                           lockout: VerificationLockout) -> None:
    """Issue 19, finding 2: four wrong pairs over two senders, then the right pair on a third."""
    form = ValidateOrderStatusForm(store, clock, lockout)
    for sender in ("a", "a", "b", "b"):
        await verify(form, {}, "LK-100232", "94110", sender=sender)
    slots, said = await verify(form, {}, "LK-100232", "omar.h@example.com", sender="c")
    assert not slots.get("order_verified") and slots["order_lookup_locked_until"] > clock.now
    assert slots["requested_slot"] is None and said == []


async def test_verified_email_verifies_the_same_customers_other_order_silently(
        store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots, _ = await verify(form, {}, "LK-100232", "omar.h@example.com")
    dispatcher = CollectingDispatcher()
    slots["order_number"] = "LK-100233"
    out = await form.validate_order_number("LK-100233", dispatcher, tracker("and LK-100233?", slots), {})
    assert out["order_verified"] is True and "LK-100233" in out["verified_orders"]
    other = await form.validate_order_number("LK-100231", dispatcher, tracker("and LK-100231?", slots), {})
    assert other["order_verified"] is False and other["order_contact"] is None
    assert dispatcher.messages == []  # nothing said about LK-100231


async def test_a_verified_postcode_verifies_no_other_order(store: DemoStore, clock: Clock,
                                                          lockout: VerificationLockout) -> None:
    """A postcode is shared by thousands and order numbers are sequential: another order with the
    same postcode (a neighbour's) is asked for its own details."""
    omar = store.get_order("LK-100232")
    parcels = tuple(dataclasses.replace(shipment, id=f"LK-100290-{n}") for n, shipment in enumerate(omar.shipments))
    store.put_order(dataclasses.replace(omar, number="LK-100290", email="neighbour@example.com", shipments=parcels))
    form = ValidateOrderStatusForm(store, clock, lockout)
    slots, _ = await verify(form, {}, "LK-100232", "10027")
    assert slots["order_verified"] is True and slots["postcode"] == "10027" and not slots.get("email")
    dispatcher = CollectingDispatcher()
    slots["order_number"] = "LK-100290"
    # As Rasa sends it when the question starts the form again: every filled slot set anew.
    out = await form.run(dispatcher, tracker("and LK-100290?", slots, set_now=["order_number", "order_contact"]),
                         DOMAIN)
    after = {**slots, **{e["name"]: e["value"] for e in out if e["event"] == "slot"}}
    # Its own email or postcode is asked (the form asks the empty order_contact); nothing is said.
    assert after["order_verified"] is False and after["order_contact"] is None and dispatcher.messages == []


@pytest.mark.parametrize("action", [ActionAskCancelConfirmed, ActionAskReturnItems])
async def test_asking_about_an_unverified_order_says_nothing(store: DemoStore, clock: Clock,
                                                              lockout: VerificationLockout, action: type) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_number": "LK-100237", "order_verified": True, "verified_orders": ["LK-100231"]}
    assert await action(store, clock, lockout).run(dispatcher, tracker("x", slots), {}) == []
    assert dispatcher.messages == []


async def test_status_answers(store: DemoStore) -> None:
    clock = Clock()
    verified = {"order_verified": True}

    async def status(number: str) -> tuple[str, list[dict]]:
        dispatcher = CollectingDispatcher()
        events = await ActionOrderStatus(store, clock).run(dispatcher, tracker(
            "", {**verified, "order_number": number, "verified_orders": [number]}), {})
        return "\n".join(m.get("text") or m.get("response") for m in dispatcher.messages), events

    text, _ = await status("LK-100231")
    assert "UPS Express" in text and "Oakland, CA" in text and "promised for tomorrow" in text
    text, _ = await status("LK-100235")
    assert "utter_parcel_late_free_shipping" in text
    text, events = await status("LK-100236")
    assert "utter_parcel_lost" in text and events[0]["value"] == "lost_parcel"
    # The team's follow-up before USPS's 60-day claim deadline, counted from the pick-up scan.
    picked_up = next(e.time for e in store.get_order("LK-100236").shipments[0].events if e.status == "picked_up")
    due = datetime.fromtimestamp(events[1]["value"]["due_at"], timezone.utc)
    assert events[1]["name"] == "follow_up" and due == datetime.combine(
        (picked_up + timedelta(days=55)).date(), datetime.min.time().replace(hour=17), timezone.utc)
    assert "check on the investigation with USPS" in text and f"by {due:%A} {due.day} {due:%B} at 17:00 UTC" in text
    assert f"claim deadline is {picked_up + timedelta(days=60):%A %d %B %Y}" in events[1]["value"]["note"]
    text, _ = await status("LK-100238")
    assert "2 parcels" in text and "Parcel 2: DHL Standard with 2 × t-shirt" in text
    text, _ = await status("LK-100237")
    assert "hasn't shipped yet" in text and "can still be changed or cancelled until 15:40 UTC" in text


async def test_return_items_from_words_and_rules(store: DemoStore) -> None:
    form = ValidateReturnForm(store, Clock())
    slots = {"order_number": "LK-100234", "order_verified": True, "verified_orders": ["LK-100234"],
             "requested_slot": "return_items"}
    dispatcher = CollectingDispatcher()
    extracted = await form.extract_return_items(dispatcher, tracker("both of them", slots), {})
    assert extracted == {"return_items": ["SWIMSUIT-M-CORAL", "SUN-HAT-SM-SAND"]}
    validated = await form.validate_return_items(extracted["return_items"], dispatcher, tracker("both", slots), {})
    assert validated == {"return_items": ["SUN-HAT-SM-SAND"]}
    assert "final-sale" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["response"] == "utter_exception_offer"


async def test_a_reason_volunteered_before_verification_is_kept(store: DemoStore) -> None:
    form = ValidateReturnForm(store, Clock())
    slots: dict[str, Any] = {"product_type": "boots"}
    out = await form.extract_return_reason(CollectingDispatcher(), tracker(
        "return the boots from LK-100233, they hurt", slots, intent="request_return"), {})
    assert out == {"return_reason": "return the boots from LK-100233, they hurt"}


async def test_shipping_refund_on_a_late_order_that_paid_for_shipping(store: DemoStore) -> None:
    # The demo's late order shipped free (Canada from $75), so a paid, late one is made here.
    maya = store.get_order("LK-100231")
    late = dataclasses.replace(maya.shipments[0], id="LK-100299-1", promised_date=(SEEDED - timedelta(days=2)).date())
    store.put_order(dataclasses.replace(maya, number="LK-100299", shipments=(late,)))
    clock = Clock()
    slots = {"order_number": "LK-100299", "order_verified": True, "verified_orders": ["LK-100299"]}

    dispatcher = CollectingDispatcher()
    await ActionOrderStatus(store, clock).run(dispatcher, tracker("", slots), {})
    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_parcel_late_refund" and offer["shipping"] == "$14.95"

    dispatcher = CollectingDispatcher()
    await ActionRefundShipping(store, clock).run(dispatcher, tracker("refund my shipping", slots), {})
    assert dispatcher.messages[0]["response"] == "utter_shipping_refunded"
    assert dispatcher.messages[0]["amount"] == "$14.95"
    dispatcher = CollectingDispatcher()
    await ActionRefundShipping(store, clock).run(dispatcher, tracker("refund my shipping", slots), {})
    assert "already refunded" in dispatcher.messages[0]["text"]

    # Not verified: nothing is refunded, the order is checked first.
    dispatcher = CollectingDispatcher()
    unverified = tracker("refund", {"order_number": "LK-100299"})
    events = await ActionRefundShipping(store, clock).run(dispatcher, unverified, {})
    assert events == [{"event": "followup", "timestamp": None, "name": "order_status_form"}] and not dispatcher.messages
