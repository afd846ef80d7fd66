"""How order facts are worded for the customer: dates, times, money, parcels, items."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from orders.models import Item, Order, Returnability, Shipment


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def day(value: date, today: date) -> str:
    offset = (value - today).days
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(offset)
    text = f"{value:%A} {value.day} {value:%B}"
    return f"{named}, {text}" if named else text


def moment(value: datetime, now: datetime) -> str:
    value = value.astimezone(timezone.utc)
    return f"{day(value.date(), now.astimezone(timezone.utc).date())} at {value:%H:%M} UTC"


def item_label(item: Item) -> str:
    size = "" if item.size.lower() in ("one size", item.name.lower()) else f", {item.size}"
    count = f"{item.quantity} × " if item.quantity > 1 else ""
    return f"{count}{item.name} ({item.colour}{size})"


def items_of(order: Order, shipment: Shipment) -> str:
    return ", ".join(item_label(order.item(sku)) for sku in shipment.skus)


def parcel_line(order: Order, shipment: Shipment, now: datetime) -> str:
    """Carrier, the latest scan (what, where, when), the promised date, the tracking link."""
    parts = [f"{shipment.carrier} {shipment.service} with {items_of(order, shipment)}"]
    last = shipment.last_event
    if shipment.delivered_at is not None:
        where = f" in {last.location}" if last else ""
        parts.append(f"delivered{where} {moment(shipment.delivered_at, now)}")
    else:
        if last is not None:
            parts.append(f"latest scan: {last.description}, {last.location}, {moment(last.time, now)}")
        if shipment.promised_date is not None:
            parts.append(f"promised for {day(shipment.promised_date, now.date())}")
    if shipment.tracking_url:
        parts.append(f"tracking {shipment.tracking_number}: {shipment.tracking_url}")
    return "; ".join(parts)


def why_not(status: Returnability) -> str:
    """The rule that applies, as a person would say it."""
    return {
        "final sale": "it was a final-sale item, and final-sale items can't be returned",
        "outside the 30-day window": (
            "the 30-day return window ended" + (f" on {status.deadline:%d %B}" if status.deadline else "")
        ),
        "not delivered yet": "it hasn't been delivered yet (you can return it within 30 days of delivery)",
        "a return was already requested": "a return for it has already been started",
    }.get(status.reason or "", status.reason or "it can't be returned")
