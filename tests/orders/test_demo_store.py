"""The demo store tells the handbook's story, relative to the day it was seeded, and keeps the
shop's rules when returns, cancellations and shipping refunds are made."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from orders import policy
from orders.demo_store import DemoStore
from orders.errors import OrderNotFound, RuleViolation
from tests.orders.conftest import SEEDED_AT

NOW = SEEDED_AT + timedelta(minutes=1)
DAY = timedelta(days=1)


def test_every_demo_order_matches_the_handbook(store: DemoStore) -> None:
    expected = {
        "LK-100231": ("Maya Chen", "maya.chen@example.com", "94110", ["trail runners", "rain jacket"]),
        "LK-100232": ("Omar Haddad", "omar.h@example.com", "10027", ["wool sweater"]),
        "LK-100233": ("Omar Haddad", "omar.h@example.com", "10027", ["hiking boots"]),
        "LK-100234": ("Sofia Rossi", "sofia.rossi@example.com", "20121", ["swimsuit", "sun hat"]),
        "LK-100235": ("Liam O'Brien", "liam.obrien@example.com", "M5V 2T6", ["down parka"]),
        "LK-100236": ("Ava Johnson", "ava.j@example.com", "60614", ["backpack 30L"]),
        "LK-100237": ("Noah Williams", "noah.w@example.com", "73301", ["fleece", "beanie"]),
        "LK-100238": ("Emma Schmidt", "emma.schmidt@example.com", "10115", ["running tights", "t-shirt"]),
    }
    for number, (name, email, postcode, items) in expected.items():
        order = store.get_order(number)
        assert order is not None, number
        assert (order.customer.name, order.email, order.postcode) == (name, email, postcode)
        assert [item.name for item in order.items] == items
    assert store.get_order("LK-100239") is None
    assert store.get_order("LK-100238").item("T-SHIRT-M-WHITE").quantity == 2  # "two t-shirts"
    assert [i.size for i in store.get_order("LK-100231").items] == ["US 8", "M"]


def test_delivery_states_relative_to_the_seeding_day(store: DemoStore) -> None:
    maya = store.get_order("LK-100231").shipments[0]
    assert (maya.carrier, maya.service, maya.state(NOW)) == ("UPS", "Express", "in transit")
    assert maya.promised_date == (SEEDED_AT + DAY).date()

    liam = store.get_order("LK-100235").shipments[0]
    assert (liam.carrier, liam.state(NOW), liam.promised_date) == ("Canada Post", "late", (SEEDED_AT - 3 * DAY).date())

    ava = store.get_order("LK-100236").shipments[0]
    assert (ava.carrier, ava.state(NOW)) == ("USPS", "lost")
    assert ava.last_event.time == SEEDED_AT - 9 * DAY
    # Lost is exactly "no scan for 7 days": two days before seeding it was only late.
    assert ava.state(SEEDED_AT - 2 * DAY - timedelta(minutes=1)) == "late"

    emma = store.get_order("LK-100238")
    assert [(s.carrier, s.state(NOW)) for s in emma.shipments] == [("DHL", "delivered"), ("DHL", "in transit")]
    assert [s.skus for s in emma.shipments] == [("RUNNING-TIGHTS-M-BLACK",), ("T-SHIRT-M-WHITE",)]


def test_returnability_follows_the_handbook(store: DemoStore) -> None:
    def statuses(number: str) -> list[tuple[bool, str | None]]:
        return [(s.returnable, s.reason) for s in store.get_order(number).return_statuses(NOW)]

    assert statuses("LK-100232") == [(True, None)]
    assert statuses("LK-100233") == [(False, policy.REASON_OUTSIDE_WINDOW)]
    assert statuses("LK-100234") == [(False, policy.REASON_FINAL_SALE), (True, None)]
    assert statuses("LK-100231") == [(False, policy.REASON_NOT_DELIVERED)] * 2
    assert statuses("LK-100238") == [(True, None), (False, policy.REASON_NOT_DELIVERED)]
    sweater = store.get_order("LK-100232")
    # Delivered 12 days before seeding: 18 days of the window left.
    assert sweater.return_status(sweater.items[0].sku, NOW + 18 * DAY - timedelta(minutes=2)).returnable
    assert not sweater.return_status(sweater.items[0].sku, NOW + 18 * DAY).returnable


def test_refund_return_with_free_label_in_the_us(store: DemoStore) -> None:
    request = store.create_return("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "too big", "refund", now=NOW)
    assert request.id == "R-100232-1"
    assert request.label_cost == Decimal("0.00") and request.label_url.endswith("/R-100232-1/label.pdf")
    assert (request.refund_amount, request.refund_to) == (Decimal("98.00"), policy.REFUND_TO_ORIGINAL)
    assert store.returns_for("LK-100232") == [request]
    # Asked for once: the same item again is refused and nothing new is stored.
    with pytest.raises(RuleViolation, match="already"):
        store.create_return("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "too big", "refund", now=NOW)
    assert len(store.returns_for("LK-100232")) == 1


def test_eu_return_costs_the_label_and_gift_cards_refund_as_credit(store: DemoStore) -> None:
    hat = store.create_return("LK-100234", ["SUN-HAT-SM-SAND"], "changed my mind", "refund", now=NOW)
    assert (hat.label_cost, hat.label_url, hat.refund_amount) == (Decimal("6.95"), None, Decimal("27.05"))
    tights = store.create_return("LK-100238", ["RUNNING-TIGHTS-M-BLACK"], "too small", "refund", now=NOW)
    assert tights.refund_to == policy.REFUND_TO_STORE_CREDIT


def test_returns_that_break_a_rule_are_refused(store: DemoStore) -> None:
    cases = [
        ("LK-100233", ["HIKING-BOOT-US11-BROWN"], "refund", None, "outside the 30-day window"),
        ("LK-100234", ["SWIMSUIT-M-CORAL"], "refund", None, "final sale"),
        ("LK-100231", ["RAIN-JACKET-M-MOSS"], "refund", None, "not delivered"),
        ("LK-100232", ["BEANIE-ONESIZE-RUST"], "refund", None, "has no item"),
        ("LK-100232", [], "refund", None, "at least one"),
        ("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "exchange", "WOOL-SWEATER-XL-OATMEAL", "out of stock"),
        ("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "exchange", "SUN-HAT-SM-SAND", "same|another size"),
        ("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "exchange", None, "size or colour"),
        ("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "store credit", None, "refund or an exchange"),
    ]
    for number, skus, resolution, exchange_to, message in cases:
        with pytest.raises(RuleViolation, match=message):
            store.create_return(number, skus, "reason", resolution, exchange_to, now=NOW)
    with pytest.raises(OrderNotFound):
        store.create_return("LK-999999", ["X"], "reason", "refund", now=NOW)
    assert all(store.returns_for(f"LK-{n}") == [] for n in range(100231, 100239))


def test_exchange_for_another_size_in_stock(store: DemoStore) -> None:
    variants = {v.sku: v for v in store.variants("wool-sweater")}
    assert not variants["WOOL-SWEATER-XL-OATMEAL"].in_stock and variants["WOOL-SWEATER-L-NAVY"].in_stock
    request = store.create_return("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "too big", "exchange",
                                  "WOOL-SWEATER-M-OATMEAL", now=NOW)
    assert (request.exchange_to, request.refund_amount, request.refund_to) == ("WOOL-SWEATER-M-OATMEAL", None, None)


def test_cancel_only_within_the_hour(store: DemoStore) -> None:
    with pytest.raises(RuleViolation, match="1 hour"):
        store.cancel_order("LK-100237", now=SEEDED_AT + timedelta(minutes=40))
    assert store.cancel_order("LK-100237", now=SEEDED_AT + timedelta(minutes=39)).status == "cancelled"
    assert store.get_order("LK-100237").status == "cancelled"
    with pytest.raises(RuleViolation, match="already cancelled"):
        store.cancel_order("LK-100237", now=NOW)
    with pytest.raises(RuleViolation, match="packed"):
        store.cancel_order("LK-100231", now=NOW)


def test_shipping_refund_only_when_late_paid_and_once(store: DemoStore) -> None:
    with pytest.raises(RuleViolation, match="not late"):
        store.refund_shipping("LK-100231", now=NOW)
    with pytest.raises(RuleViolation, match="free"):
        store.refund_shipping("LK-100235", now=NOW)  # Canada ships free from $75
    # LK-100231 is due tomorrow; two days later it is late, and its Express cost comes back once.
    later = SEEDED_AT + 2 * DAY + timedelta(hours=12)
    refund = store.refund_shipping("LK-100231", now=later)
    assert (refund.amount, refund.refund_to) == (Decimal("14.95"), policy.REFUND_TO_ORIGINAL)
    with pytest.raises(RuleViolation, match="already"):
        store.refund_shipping("LK-100231", now=later)


def test_reseeds_when_missing_outdated_or_from_another_day(tmp_path: Path) -> None:
    path = tmp_path / "orders.db"
    store = DemoStore(path)
    assert store.seeded_on() is None
    assert store.ensure_seeded(SEEDED_AT) is True
    store.cancel_order("LK-100237", now=SEEDED_AT + timedelta(minutes=5))
    # Same day: what happened in the demo stays.
    assert store.ensure_seeded(SEEDED_AT + timedelta(hours=8)) is False
    assert store.get_order("LK-100237").status == "cancelled"
    # Next day: the story starts over, with dates relative to that day.
    next_day = SEEDED_AT + timedelta(hours=10)
    assert store.ensure_seeded(next_day) is True
    assert store.get_order("LK-100237").status == "placed"
    assert store.get_order("LK-100237").placed_at == next_day.replace(microsecond=0) - timedelta(minutes=20)
    # A file from an older schema is replaced, not misread.
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    assert store.seeded_on() is None
    assert DemoStore.open(path, now=next_day).seeded_on() == next_day.date()


def test_processes_opening_at_once_seed_once(tmp_path: Path) -> None:
    path = tmp_path / "orders.db"
    with ThreadPoolExecutor(4) as pool:
        seeded = list(pool.map(lambda _: DemoStore(path).ensure_seeded(SEEDED_AT), range(4)))
    assert sorted(seeded) == [False, False, False, True]
    assert DemoStore(path).get_order("LK-100231") is not None
