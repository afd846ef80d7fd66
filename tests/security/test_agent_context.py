"""Issue 19, finding 5, replayed against the whole stack (Rasa, actions, handoff, Redis): a
customer who types somebody's order number and somebody's e-mail address, proves neither, and
asks for a person. The agent's context packet must not hand over what verification protects
(the order's name, e-mail, postcode, city, payment), nor the earlier escalations filed under
that address; it shows what the customer typed and the order's state, marked "not verified"."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from handoff.store import Database
from handoff.store import escalations as rows
from tests.conftest import Stack

PASSWORD = "larkspur-demo"
ORDER = "LK-100235"  # Liam's (orders/demo_seed.py)
OTHER_EMAIL = "omar.h@example.com"  # Omar's: not the address on that order
# What the order backend knows that a caller must not learn from an agent's screen.
PROTECTED = ("Liam", "liam", "M5V", "Toronto")
PROTECTED_FIELDS = ("customer", "email", "postcode", "city", "country", "payment_method", "items", "shipments")


async def say(http: httpx.AsyncClient, stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    response = await http.post(f"{stack.url('rasa')}/webhooks/rest/webhook",
                               json={"sender": sender, "message": text}, timeout=60, headers=stack.rasa_headers())
    response.raise_for_status()
    return response.json()


async def test_an_unverified_order_and_email_disclose_nothing_to_the_agent(stack: Stack) -> None:
    db = Database(stack.database_url)
    # Omar's earlier escalation, filed under his verified address.
    planted = await db.run(lambda s: rows.create(
        s, sender_id=f"omar-{uuid.uuid4().hex}", channel="rest", email=OTHER_EMAIL, reason="policy_exception",
        team="returns", frustration=0.2, packet={"summary_line": "Omar's refund to his card ending 4242"},
        now=time.time()))
    await db.run(lambda s: rows.close(s, planted.id, state="completed", outcome="resolved", by="maya",
                                      detail=None, now=time.time()))
    await db.close()

    sender = f"sec-context-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
        base = stack.url("handoff")
        login = await http.post(f"{base}/auth/login", json={"username": "admin", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        await http.put(f"{base}/agents/me/presence", json={"status": "online"}, headers=headers)

        await say(http, stack, sender, f"where is my order {ORDER}? it should have been here days ago")
        await say(http, stack, sender, f"my email is {OTHER_EMAIL}")  # not the one on the order
        await say(http, stack, sender, "I want to speak to a human please")

        deadline = time.monotonic() + 60
        while True:
            cards = (await http.get(f"{base}/escalations", headers=headers)).json()
            card = next((c for c in cards if c["sender_id"] == sender), None)
            if card:
                break
            assert time.monotonic() < deadline, "no escalation opened for the customer"
            await asyncio.sleep(0.5)
        detail = (await http.get(f"{base}/escalations/{card['id']}", headers=headers)).json()

    packet = detail["packet"]
    order = packet["order"]
    assert order is not None and order["number"] == ORDER and order["status"]  # what was typed, and its state
    assert not [field for field in PROTECTED_FIELDS if field in order], f"the unverified order shows {order}"
    assert not [word for word in PROTECTED if word in str(order)], f"the unverified order shows {order}"
    earlier = [e["summary_line"] for e in packet["earlier_escalations"]]
    assert not any("4242" in line for line in earlier), "Omar's escalation was shown for a typed address"
    assert detail["email"] is None  # not filed under an address nobody verified
    # Marked as such, for the agent.
    assert order["verified"] is False and "not verified" in order["notice"]
    assert packet["identity"]["order_number"] == ORDER
    assert packet["identity"]["verified"] is False and packet["identity"]["name"] is None
    assert packet["identity"]["verification"] == "not verified"
