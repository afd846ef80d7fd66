"""What a returning customer hears once they verified an order in this conversation: their name,
and the open case the order backend knows of on that order (a return or an exchange they started).

Said only after verification here (the first order verified in the conversation), never from the
sender id: a Telegram chat id or a widget session proves nothing about who is typing. It reads
only the order backend, which both environments share (decision 0211): the bot never imports
the handoff service, and the greeting needs nothing the handoff service alone knows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.actions.order_flows.base import call
from bot.actions.order_flows.wording import day
from orders.backend import OrderBackend, OrderBackendError
from orders.models import Order, ReturnRequest

# The backend's return requests carry no state; one started within the return window (and the
# time a label and the parcel take) is still a case the customer is waiting on.
OPEN_CASE_DAYS = 30


def _items(order: Order, request: ReturnRequest) -> str:
    names = list(dict.fromkeys(order.item(sku).name for sku in request.skus if any(i.sku == sku for i in order.items)))
    if not names:
        return "your items"
    return "the " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def open_case_line(order: Order, requests: list[ReturnRequest], now: datetime) -> str | None:
    recent = [r for r in requests if now - r.created_at <= timedelta(days=OPEN_CASE_DAYS)]
    if not recent:
        return None
    latest = max(recent, key=lambda r: r.created_at)
    kind = "exchange" if latest.resolution == "exchange" else "refund"
    return (f"Your {kind} for {_items(order, latest)} is under way: you started it "
            f"{day(latest.created_at.date(), now.date())}.")


async def welcome_back(backend: OrderBackend, order: Order, now: datetime) -> str | None:
    """"Welcome back, Omar. Your exchange for the hiking boots is under way: ..." when the order
    has an open case; None otherwise (a first-time question needs no preamble)."""
    try:
        requests = await call(backend.returns_for, order.number)
    except OrderBackendError:  # the greeting is a courtesy: the verification stands without it
        return None
    case = open_case_line(order, requests, now)
    if case is None:
        return None
    first_name = order.customer.name.split()[0] if order.customer.name.strip() else ""
    return f"Welcome back{', ' + first_name if first_name else ''}. {case}"
