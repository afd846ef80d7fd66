"""Links a conversation to its customer once the customer verified an order in it.

A stream hook (the consumer's `on_applied`, after the conversation store applied the entry):
when one of the verification slots changes (`verified_orders`, `order_verified`, `email`, set by
bot/actions/order_flows/verification.py only on a match), the verified order numbers are read
from the conversation's state, each order is looked up in the order backend, and the
conversation is linked to the customer of the order's own email, whatever the channel. A typed
address, or a sender id, links nothing: only an order the bot verified in this conversation.

If the order backend cannot be reached, the address that verified the order (the slot `email`,
set by the bot only on a match) links the conversation, without claiming which order was whose;
with a postcode-only verification nothing is linked then, and the next verification slot tries
again. Linking is idempotent, so a stream
entry applied twice links once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from handoff.clients.orders import OrderLookup
from handoff.store import customers as customer_rows
from handoff.store.db import Database
from handoff.stream.events import StreamEvent
from orders.identity import normalize_order_number

logger = logging.getLogger(__name__)
VERIFICATION_SLOTS = ("verified_orders", "order_verified", "email")


class Conversations(Protocol):
    async def state(self, sender_id: str) -> dict[str, str]: ...


def _slot(state: dict[str, str], name: str) -> Any:
    try:
        return json.loads(state.get(f"slot:{name}", "null"))
    except ValueError:
        return None


def verified_numbers(state: dict[str, str]) -> list[str]:
    """The canonical order numbers this conversation verified (bounded)."""
    listed = _slot(state, "verified_orders")
    if not isinstance(listed, list):
        return []
    numbers = (normalize_order_number(str(n)) for n in listed[: customer_rows.MAX_ORDERS] if isinstance(n, str))
    return list(dict.fromkeys(n for n in numbers if n))


class CustomerLinker:
    def __init__(self, db: Database, conversations: Conversations, orders: OrderLookup | None,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.conversations = conversations
        self.orders = orders
        self.clock = clock

    async def __call__(self, event: StreamEvent) -> None:
        if event.type != "slot" or event.event.get("name") not in VERIFICATION_SLOTS or not event.sender_id:
            return
        state = await self.conversations.state(event.sender_id)
        numbers = verified_numbers(state)
        if not numbers:
            return
        by_email: dict[str, tuple[str | None, list[str]]] = {}
        for number in numbers:
            email, name, owned = await self._owner(number, state)
            if email is None:
                continue
            known_name, listed = by_email.get(email, (None, []))
            by_email[email] = (name or known_name, [*listed, number] if owned else listed)
        channel = state.get("channel") or None
        now = self.clock()
        for email, (name, listed) in by_email.items():
            await self.db.run(lambda s, e=email, n=name, o=listed: customer_rows.link(
                s, email=e, name=n, sender_id=event.sender_id, channel=channel, orders=o, now=now))

    async def _owner(self, number: str, state: dict[str, str]) -> tuple[str | None, str | None, bool]:
        """The order's email (normalised), its customer's name, and whether the order is known
        to be theirs. With the backend down: the verifying address, the order not attributed (it
        may have been verified by a postcode)."""
        if self.orders is not None:
            try:
                order = await self.orders(number)
            except Exception as error:  # an outage must not stop the stream: fall back below
                logger.warning("Order %s for the customer record failed: %s", number, error)
            else:
                if not order:
                    return None, None, False
                customer = order.get("customer") if isinstance(order.get("customer"), dict) else {}
                return customer_rows.customer_email(order.get("email")), customer.get("name"), True
        return customer_rows.customer_email(_slot(state, "email")), None, False
