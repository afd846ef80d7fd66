"""Issue 19, finding 7, replayed against the whole stack: an escalation's transcript returned
the whole live conversation, what the customer said after it closed (to the bot, or to another
team's agent) included. Through an escalation an agent reads the conversation up to its close."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from tests.conftest import Stack

PASSWORD = "larkspur-demo"
SECRET = "my new address is 12 Elm Street, apartment 4"


async def say(http: httpx.AsyncClient, stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    response = await http.post(f"{stack.url('rasa')}/webhooks/rest/webhook",
                               json={"sender": sender, "message": text}, timeout=60, headers=stack.rasa_headers())
    response.raise_for_status()
    return response.json()


async def escalation_of(http: httpx.AsyncClient, base: str, headers: dict[str, str], sender: str,
                        not_id: int | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        cards = (await http.get(f"{base}/escalations", headers=headers)).json()
        card = next((c for c in cards if c["sender_id"] == sender and c["id"] != not_id), None)
        if card:
            return card
        assert time.monotonic() < deadline, "no escalation opened for the customer"
        await asyncio.sleep(0.5)


async def test_a_closed_escalation_does_not_show_what_came_after(stack: Stack) -> None:
    sender = f"sec-transcript-{uuid.uuid4().hex[:8]}"
    base = stack.url("handoff")
    async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
        login = await http.post(f"{base}/auth/login", json={"username": "admin", "password": PASSWORD})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        await http.put(f"{base}/agents/me/presence", json={"status": "online"}, headers=admin)

        await say(http, stack, sender, "I want to speak to a human please")
        first = await escalation_of(http, base, admin, sender)
        claimed = await http.post(f"{base}/escalations/{first['id']}/claim", headers=admin)
        assert claimed.status_code == 200, claimed.text
        closed = await http.post(f"{base}/escalations/{first['id']}/resolve",
                                 json={"outcome": "resolved", "handback": False}, headers=admin)
        assert closed.status_code == 200, closed.text

        # Later, in the same conversation: something the first escalation's team has no business reading.
        await say(http, stack, sender, SECRET)
        await say(http, stack, sender, "I want to speak to a human please")
        second = await escalation_of(http, base, admin, sender, not_id=first["id"])  # the stream got that far
        now_lines = (await http.get(f"{base}/escalations/{second['id']}/transcript", headers=admin)).json()
        assert any(SECRET in line["text"] for line in now_lines)  # it is there, for the escalation it belongs to
        old_lines = (await http.get(f"{base}/escalations/{first['id']}/transcript", headers=admin)).json()

    assert old_lines, "the first escalation's own lines are gone"
    assert any("human" in line["text"] for line in old_lines if line["role"] == "customer")
    leaked = [line for line in old_lines if SECRET in line["text"]]
    assert not leaked, "the closed escalation shows what the customer said after it closed"
    assert max(line["time"] for line in old_lines) <= closed.json()["closed_at"]
