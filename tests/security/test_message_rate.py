"""Issue 19, finding 9: messages per sender per minute are bounded on every channel. Before the
fix one sender could send as fast as Rasa answered, each message stored and each able to move
a conversation towards a hand-over. Against the real Rasa of the stack (30 a minute)."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from defaults import MAX_MESSAGES_PER_MINUTE
from tests.conftest import Stack

# Twice the rate and more, at once: however the minute's boundary falls, one window overflows.
FLOOD = 2 * MAX_MESSAGES_PER_MINUTE + 10
# bot/message_rate.py's reply (this test runs in the services' environment, without Rasa).
TOO_FAST = "faster than I can read them"


async def test_a_flood_from_one_sender_is_told_to_wait(stack: Stack) -> None:
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=180, trust_env=False) as client:
        async def send(i: int) -> list[str]:
            response = await client.post(f"{stack.url('rasa')}/webhooks/rest/webhook", headers=stack.rasa_headers(),
                                         json={"sender": sender, "message": f"hi {i}"})
            response.raise_for_status()
            return [reply.get("text", "") for reply in response.json()]

        replies = await asyncio.gather(*(send(i) for i in range(FLOOD)))
        refused = sum(any(TOO_FAST in text for text in texts) for texts in replies)
        assert refused >= FLOOD - 2 * MAX_MESSAGES_PER_MINUTE, refused
        # Another customer meanwhile is answered as usual.
        other = await client.post(f"{stack.url('rasa')}/webhooks/rest/webhook", headers=stack.rasa_headers(),
                                  json={"sender": f"calm-{uuid.uuid4().hex[:8]}", "message": "hi"})
        assert other.status_code == 200 and TOO_FAST not in str(other.json())
