"""Issue 19, finding 9 (its Redis parts), through the real stack: a customer's conversation in
Redis expires HANDOFF_RETENTION_DAYS (90) after its last event instead of never, and
`python -m handoff.purge <sender-id>` removes one customer's data from Redis and the handoff
store on request, while another customer's stays."""

from __future__ import annotations

import subprocess
import sys
import uuid

import httpx
import redis

from handoff.keys import id_digest, keyed
from stack.settings import ROOT
from tests.conftest import Stack
from tests.waiting import until

DAY = 86_400
PREFIX = "baton:handoff"


def send(stack: Stack, sender: str, text: str) -> list[dict]:
    response = httpx.post(f"{stack.url('rasa')}/webhooks/rest/webhook",
                          json={"sender": sender, "message": text}, timeout=60, headers=stack.rasa_headers())
    response.raise_for_status()
    return response.json()


def escalation_of(stack: Stack, sender: str) -> dict | None:
    login = httpx.post(f"{stack.url('handoff')}/auth/login",
                       json={"username": "admin", "password": "larkspur-demo"}, timeout=30)
    login.raise_for_status()
    cards = httpx.get(f"{stack.url('handoff')}/escalations", timeout=30,
                      headers={"Authorization": f"Bearer {login.json()['access_token']}"}).json()
    return next((card for card in cards if card["sender_id"] == sender), None)


def test_a_conversation_expires_and_one_customer_can_be_purged(stack: Stack) -> None:
    customer, other = f"sec-ret-{uuid.uuid4().hex[:8]}", f"sec-ret-other-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(stack.redis_url)
    try:
        for sender in (customer, other):
            assert send(stack, sender, "hello")
        state, transcript = keyed(PREFIX, "conv", customer), keyed(PREFIX, "conv", customer) + ":transcript"
        until(lambda: client.exists(state, transcript) == 2, "the handoff service to apply the events")
        for key in (state, transcript):
            assert 89 * DAY < client.ttl(key) <= 90 * DAY  # -1 (never) before the fix

        send(stack, customer, "I want to talk to a real person, not a bot")
        until(lambda: escalation_of(stack, customer), f"the escalation of {customer}")

        purge = subprocess.run([sys.executable, "-m", "handoff.purge", "--", customer], env=stack.env, cwd=ROOT,
                               capture_output=True, text=True, timeout=60)
        assert purge.returncode == 0, purge.stderr
        assert "1 escalations" in purge.stdout

        digest = id_digest(customer).encode()
        assert [key for key in client.scan_iter() if digest in key] == []
        assert client.exists(f"{stack.settings.rasa_key_prefix}:tracker:{customer}") == 0  # Rasa's tracker
        assert client.exists(f"{stack.settings.rasa_key_prefix}:tracker:{other}") == 1
        senders = {fields.get(b"sender_id") for _, fields in client.xrange(stack.settings.event_stream)}
        assert customer.encode() not in senders and other.encode() in senders
        assert escalation_of(stack, customer) is None
        assert client.exists(keyed(PREFIX, "conv", other)) == 1
    finally:
        client.close()
