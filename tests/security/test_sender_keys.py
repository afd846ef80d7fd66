"""Issue 19, finding 3: no sender id, however crafted, reaches another conversation's Redis keys.

On a real Redis: every per-sender store of the handoff service (conversation state and
transcript, the engine's email offers and waiting reminders) is written for hostile ids side by
side, and each reads back only its own."""

from __future__ import annotations

import json

import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.engine.followup import FollowUpOffers
from handoff.engine.waiting import WaitingReminders
from handoff.stream.events import StreamEvent

PREFIX = "sec"

# Each id next to the one it would have collided with when ids were joined into keys as they are.
HOSTILE_IDS = [
    "X",
    "X:transcript",            # sender X's transcript key suffix
    "X:transcript:transcript",
    "conv:X",
    ":",
    "",                        # the store ignores an empty sender; listed to show it stays apart
    "{X}",                     # a Redis Cluster hash tag
    "{X}:transcript",
    "a" * 10_000,
    "a" * 10_000 + ":transcript",
    "Zoë 客户 🙂",
    "Zoë 客户 🙂:transcript",
    "X\n:transcript",
    "*",
    "X?",
]


def user_event(entry_id: str, sender: str, text: str) -> StreamEvent:
    event = {"event": "user", "text": text, "timestamp": 1.0, "sender_id": sender,
             "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}}
    return StreamEvent.from_entry(entry_id, {"sender_id": sender, "type": "user", "event": json.dumps(event)})


@pytest.fixture
async def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_each_sender_keeps_its_own_state_and_transcript(redis: Redis) -> None:
    store = ConversationStore(redis, PREFIX)
    senders = [sender for sender in HOSTILE_IDS if sender]
    for number, sender in enumerate(senders, start=1):
        assert await store.apply(user_event(f"{number}-0", sender, f"message of #{number}"))
        await store.set_field(sender, "engine_last_id", f"{number}-0")
    for number, sender in enumerate(senders, start=1):
        assert [line["text"] for line in await store.transcript(sender)] == [f"message of #{number}"]
        state = await store.state(sender)
        assert state["last_id"] == f"{number}-0" and state["events"] == "1"
    # The index of conversations keeps the real ids, as they are shown to agents.
    index = {member.decode("utf-8", "surrogatepass") for member in await redis.zrange(f"{PREFIX}:conversations", 0, -1)}
    assert index == set(senders)


async def test_the_keys_are_short_whatever_the_id(redis: Redis) -> None:
    store = ConversationStore(redis, PREFIX)
    assert await store.apply(user_event("1-0", "a" * 10_000, "long"))
    keys = await redis.keys(f"{PREFIX}:*")
    assert keys and max(len(key) for key in keys) < 100


async def test_engine_marks_of_colliding_ids_stay_apart(redis: Redis) -> None:
    offers = FollowUpOffers(redis, PREFIX)
    reminders = WaitingReminders(redis, PREFIX, interval_seconds=60)
    for number, sender in enumerate(HOSTILE_IDS, start=1):
        await offers.open(sender, number, None)
        assert await reminders.due(sender)  # a fresh id is never rate-limited by another's mark
    for number, sender in enumerate(HOSTILE_IDS, start=1):
        offer = await offers.get(sender)
        assert offer is not None and offer["escalation_id"] == number
        assert not await reminders.due(sender)
    await offers.close("X:transcript")
    assert await offers.get("X:transcript") is None
    assert await offers.get("X") is not None
    # A 10,000-character id makes no 10 kB key.
    assert max(len(key) for key in await redis.keys(f"{PREFIX}:*")) < 100
