"""The linker (handoff/customers/linker.py) on real Redis (the conversation store), a real store
and the real order backend: a conversation is linked to the customer of a verified order's own
email; nothing typed, unverified or malformed links anything; with the backend down, only the
address that verified an order links, without claiming the orders."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from handoff.clients.orders import order_lookup_from_backend
from handoff.conversations.store import ConversationStore
from handoff.customers.linker import CustomerLinker
from handoff.store import Database
from handoff.store import customers as rows
from handoff.stream.events import StreamEvent
from orders.demo_store import DemoStore
from orders.http_adapter import HttpOrderBackend
from tests.conftest import free_port

PREFIX = "test:linker"
IDS = count(int(time.time() * 1000))


@pytest.fixture
async def parts(redis_url: str, tmp_path: Path) -> AsyncIterator[tuple[ConversationStore, Database, Path]]:
    redis = Redis.from_url(redis_url)
    db = Database(f"sqlite:///{tmp_path / 'handoff.db'}")
    await db.start()
    yield ConversationStore(redis, PREFIX), db, tmp_path
    await db.close()
    await redis.aclose()


async def feed(linker: CustomerLinker, conversations: ConversationStore, sender: str, event: dict[str, Any]) -> None:
    stream_event = StreamEvent(f"{next(IDS)}-0", sender, event["event"], {"timestamp": time.time(), **event})
    await conversations.apply(stream_event)
    await linker(stream_event)


async def slots(linker: CustomerLinker, conversations: ConversationStore, sender: str, **values: Any) -> None:
    await feed(linker, conversations, sender, {"event": "user", "text": "hi", "input_channel": "telegram"})
    for name, value in values.items():
        await feed(linker, conversations, sender, {"event": "slot", "name": name, "value": value})


async def test_a_verified_order_links_its_own_email_and_name(parts) -> None:
    conversations, db, tmp = parts
    linker = CustomerLinker(db, conversations, order_lookup_from_backend(lambda: DemoStore.open(tmp / "orders.db")))
    # Verified by postcode: no email in the conversation at all, the order's own is the key.
    await slots(linker, conversations, "tg-1", order_number="LK-100232", postcode="10027", order_verified=True,
                verified_orders=["LK-100232"])
    (customer,) = await db.run(lambda s: rows.of_sender(s, "tg-1"))
    assert (customer.email, customer.name, customer.orders) == ("omar.h@example.com", "Omar Haddad", ["LK-100232"])
    assert customer.conversations[0].channel == "telegram"
    # Two orders of two people verified in one conversation (a household): two customers.
    await slots(linker, conversations, "tg-1", verified_orders=["LK-100232", "LK-100235"])
    linked = await db.run(lambda s: rows.of_sender(s, "tg-1"))
    assert sorted(c.email for c in linked) == ["liam.obrien@example.com", "omar.h@example.com"]


@pytest.mark.parametrize("values", [
    {"email": "omar.h@example.com"},  # typed or extracted, nothing verified
    {"order_number": "LK-100232", "order_verified": True},  # no verified_orders list: the bot sets both
    {"verified_orders": "LK-100232"},  # not a list
    {"verified_orders": [None, 7, {"a": 1}, "not an order", "LK-999999"]},  # nothing real
    {"kb_article": "returns"},  # not a verification slot
])
async def test_nothing_unverified_or_malformed_links_anyone(parts, values: dict[str, Any]) -> None:
    conversations, db, tmp = parts
    linker = CustomerLinker(db, conversations, order_lookup_from_backend(lambda: DemoStore.open(tmp / "orders.db")))
    await slots(linker, conversations, "web-x", **values)
    assert await db.run(lambda s: rows.of_sender(s, "web-x")) == []


async def test_a_long_list_of_verified_orders_is_bounded(parts) -> None:
    conversations, db, tmp = parts
    linker = CustomerLinker(db, conversations, order_lookup_from_backend(lambda: DemoStore.open(tmp / "orders.db")))
    await slots(linker, conversations, "web-y", verified_orders=["LK-100232"] * 10_000)
    (customer,) = await db.run(lambda s: rows.of_sender(s, "web-y"))
    assert customer.orders == ["LK-100232"]


async def test_with_the_backend_down_only_the_verifying_address_links(parts) -> None:
    conversations, db, _ = parts
    down = order_lookup_from_backend(lambda: HttpOrderBackend(f"http://127.0.0.1:{free_port()}", timeout=1))
    linker = CustomerLinker(db, conversations, down)
    await slots(linker, conversations, "web-z", order_number="LK-100233", order_verified=True,
                verified_orders=["LK-100233"], email="Omar.H@example.com")
    (customer,) = await db.run(lambda s: rows.of_sender(s, "web-z"))
    assert (customer.email, customer.name, customer.orders) == ("omar.h@example.com", None, [])
    await slots(linker, conversations, "tg-postcode", order_number="LK-100232", postcode="10027", order_verified=True,
                verified_orders=["LK-100232"])
    assert await db.run(lambda s: rows.of_sender(s, "tg-postcode")) == []
    assert json.loads((await conversations.state("tg-postcode"))["slot:verified_orders"]) == ["LK-100232"]
