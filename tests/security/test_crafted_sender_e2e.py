"""Issue 19, finding 3, end to end: a crafted sender id does not stop the hand-overs.

Through the real stack (Rasa, actions, Redis, knowledge, handoff): a customer whose sender id is
another customer's id plus `:transcript` talks first. When keys were the id joined with a
suffix, that made the other customer's transcript key a hash and every event of theirs failed
with WRONGTYPE, stalling the consumer for everyone. Now the other customer still gets the
person they ask for, and a third conversation still flows."""

from __future__ import annotations

import uuid

import httpx
import redis

from handoff.keys import keyed
from tests.conftest import Stack
from tests.waiting import until


def send(stack: Stack, sender: str, text: str) -> list[dict]:
    response = httpx.post(f"{stack.url('rasa')}/webhooks/rest/webhook",
                          json={"sender": sender, "message": text}, timeout=60, headers=stack.rasa_headers())
    response.raise_for_status()
    return response.json()


def admin_headers(stack: Stack) -> dict[str, str]:
    response = httpx.post(f"{stack.url('handoff')}/auth/login",
                          json={"username": "admin", "password": "larkspur-demo"}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def escalation_of(stack: Stack, sender: str) -> dict | None:
    cards = httpx.get(f"{stack.url('handoff')}/escalations", headers=admin_headers(stack), timeout=30).json()
    return next((card for card in cards if card["sender_id"] == sender), None)


def test_a_sender_named_after_anothers_key_does_not_stop_their_hand_over(stack: Stack) -> None:
    victim = f"sec-{uuid.uuid4().hex[:8]}"
    for crafted in (f"{victim}:transcript", f"{victim}:transcript:{{x}}"):
        assert send(stack, crafted, "hello")
    assert send(stack, victim, "hello")
    send(stack, victim, "I want to talk to a real person, not a bot")
    card = until(lambda: escalation_of(stack, victim), f"the escalation of {victim}")
    assert card["sender_id"] == victim

    # Another conversation keeps flowing: its events are applied, nothing is pending or dead.
    other = f"sec-other-{uuid.uuid4().hex[:8]}"
    assert send(stack, other, "hello")

    def caught_up() -> dict | None:
        body = httpx.get(f"{stack.url('handoff')}/health", timeout=30).json()
        stream = body["stream"]
        return body if stream["lag"] == 0 and stream["pending"] == 0 else None

    body = until(caught_up, "the handoff service to catch up")
    assert body["status"] == "ok" and body["dead_letters"]["count"] == 0
    assert escalation_of(stack, f"{victim}:transcript") is None
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    try:
        lines = client.lrange(keyed("baton:handoff", "conv", other) + ":transcript", 0, -1)
    finally:
        client.close()
    assert '"hello"' in lines[0]
