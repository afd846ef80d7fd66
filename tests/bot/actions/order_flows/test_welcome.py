"""A returning customer is greeted by name and told of their open case once they verified an
order in this conversation (bot/actions/order_flows/welcome.py), on the real demo store: never
before verification, never for a second order in the same conversation, and not for a case
long past."""

from __future__ import annotations

from datetime import timedelta

from bot.actions.order_flows.delivery import ValidateOrderStatusForm
from bot.actions.order_flows.lockout import VerificationLockout
from orders.demo_store import DemoStore
from tests.bot.actions.order_flows.test_order_actions import SEEDED, Clock, clock, lockout, store, verify

__all__ = ["clock", "lockout", "store"]  # the fixtures of the order actions' tests


def exchange_the_sweater(store: DemoStore, days_ago: float = 2) -> None:
    order = store.get_order("LK-100232")
    assert order is not None
    sweater = order.items[0]
    other = next(v for v in store.variants(sweater.product_id) if v.in_stock and v.sku != sweater.sku)
    store.create_return("LK-100232", [sweater.sku], "too small", "exchange", exchange_to=other.sku,
                        now=SEEDED - timedelta(days=days_ago))


async def test_greeted_by_name_with_the_open_case_only_after_verifying(
        store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    exchange_the_sweater(store)
    form = ValidateOrderStatusForm(store, clock, lockout)
    # A wrong postcode: no name, no case, whoever the sender claims to be.
    _, said = await verify(form, {}, "LK-100232", "94110", sender="omar-on-telegram")
    assert all("Omar" not in text and "exchange" not in text for text in said)
    slots, said = await verify(form, {}, "LK-100232", "10027", sender="omar-on-telegram")
    assert slots["order_verified"] is True
    assert said == ["Welcome back, Omar. Your exchange for the wool sweater is under way: you started it "
                    f"{(SEEDED - timedelta(days=2)):%A} {(SEEDED - timedelta(days=2)).day} {SEEDED:%B}."]
    # A second order verified in the same conversation: they were greeted already.
    _, again = await verify(form, slots, "LK-100233", "omar.h@example.com", sender="omar-on-telegram")
    assert again == []


async def test_no_greeting_without_an_open_case(store: DemoStore, clock: Clock, lockout: VerificationLockout) -> None:
    form = ValidateOrderStatusForm(store, clock, lockout)
    _, said = await verify(form, {}, "LK-100233", "omar.h@example.com")
    assert said == []  # nothing open: a first question needs no preamble
    exchange_the_sweater(store, days_ago=45)
    _, said = await verify(form, {}, "LK-100232", "10027", sender="other")
    assert said == []  # started long ago: not a case they are waiting on
