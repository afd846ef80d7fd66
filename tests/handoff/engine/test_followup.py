"""Reading the customer's answer to the email follow-up offer, and the offer kept in Redis."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from handoff.engine.followup import MAX_MESSAGES, FollowUpOffers, read_answer


@pytest.mark.parametrize(("text", "intent", "entities", "known", "expected"), [
    ("sure, it's jo.tester@example.com", "inform", [], None, ("email", "jo.tester@example.com")),
    ("mail me", "inform", [{"entity": "email", "value": "a.b@shop.example"}], None, ("email", "a.b@shop.example")),
    ("/affirm", "affirm", [], "omar.h@example.com", ("email", "omar.h@example.com")),
    ("yes please", "affirm", [], None, ("none", None)),  # yes to what address? keep asking
    ("no thanks", "deny", [], "omar.h@example.com", ("declined", None)),
    ("where is my parcel", "check_order_status", [], "omar.h@example.com", ("none", None)),
    ("my email is not@valid", "inform", [], None, ("none", None)),
])
def test_reading_the_answer(text: str, intent: str, entities: list, known: str | None, expected: tuple) -> None:
    answer = read_answer(text, intent, entities, known)
    assert (answer.kind, answer.email) == expected


async def test_an_unanswered_offer_lapses_after_a_few_messages(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    offers = FollowUpOffers(redis, "test")
    await offers.open("c1", 7, "omar.h@example.com")
    assert await offers.get("c1") == {"escalation_id": 7, "known_email": "omar.h@example.com", "messages": 0}
    for _ in range(MAX_MESSAGES - 1):
        await offers.unanswered("c1", await offers.get("c1"))
    assert (await offers.get("c1"))["messages"] == MAX_MESSAGES - 1
    await offers.unanswered("c1", await offers.get("c1"))
    assert await offers.get("c1") is None
    await redis.aclose()
