"""The whole system, real processes: a REST message gets the bot's reply, its events reach
the Redis stream, and the handoff service has consumed them."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import jwt
import redis

from handoff.keys import keyed
from tests.conftest import Stack


def send(stack: Stack, sender: str, text: str) -> list[dict]:
    response = httpx.post(
        f"{stack.url('rasa')}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30,
        headers=stack.rasa_headers(),
    )
    response.raise_for_status()
    return response.json()


def stream_events(stack: Stack, sender: str) -> list[dict]:
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    entries = client.xrange(stack.settings.event_stream)
    return [json.loads(fields["event"]) for _id, fields in entries if fields["sender_id"] == sender]


def test_rest_message_gets_reply_and_reaches_stream_and_handoff(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    replies = send(stack, sender, "hello")
    assert replies and "Larkspur" in replies[0]["text"]

    events = stream_events(stack, sender)
    user = [e for e in events if e["event"] == "user"]
    bot = [e for e in events if e["event"] == "bot"]
    assert user and user[0]["text"] == "hello"
    assert user[0]["parse_data"]["intent"]["name"] == "greet"
    assert bot and bot[-1]["text"] == replies[0]["text"]

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        body = httpx.get(f"{stack.url('handoff')}/health").json()
        if body["stream"]["lag"] == 0 and body["stream"]["pending"] == 0:
            break
        time.sleep(0.2)
    assert body["status"] == "ok"
    assert body["stream"]["lag"] == 0 and body["stream"]["pending"] == 0

    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    transcript = [json.loads(x) for x in client.lrange(keyed("baton:handoff", "conv", sender) + ":transcript", 0, -1)]
    assert [(t["role"], t["text"]) for t in transcript] == [("customer", "hello"), ("bot", replies[0]["text"])]


def test_rasa_http_api_refuses_requests_without_token(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    rasa = stack.url("rasa")
    assert httpx.get(f"{rasa}/conversations/{sender}/tracker").status_code == 401
    assert httpx.get(f"{rasa}/conversations/{sender}/tracker", params={"token": "wrong"}).status_code == 401
    # The secret itself in the URL is refused too: only a signed JWT in the header is accepted.
    in_url = httpx.get(f"{rasa}/conversations/{sender}/tracker", params={"token": stack.settings.token()})
    assert in_url.status_code == 401
    forged = jwt.encode({"user": {"username": "x", "role": "admin"}, "exp": int(time.time()) + 60},
                        "not-the-secret-" * 3, algorithm="HS256")
    assert httpx.get(f"{rasa}/conversations/{sender}/tracker",
                     headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert httpx.post(f"{rasa}/conversations/{sender}/tracker/events", json={"event": "pause"}).status_code == 401
    ok = httpx.get(f"{rasa}/conversations/{sender}/tracker", headers=stack.rasa_headers())
    assert ok.status_code == 200


def test_tracker_lives_in_redis(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    send(stack, sender, "hi")
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    assert any(sender in key for key in client.scan_iter("baton:*"))
