"""The email follow-up offered when nobody can chat: remember the offer, read the answer.

The conversation is paused while the offer is open, so the bot cannot ask for the address;
the engine reads the customer's next messages on the stream instead. An address anywhere in
a message is taken; "yes" takes the address we already know; "no" declines. Anything else is
simply passed to the agent, and the offer stays open for a few more messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from handoff.keys import keyed

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Messages after which an unanswered offer lapses: the customer has moved on.
MAX_MESSAGES = 3


@dataclass(frozen=True)
class Answer:
    kind: str  # "email" | "declined" | "none"
    email: str | None = None


def read_answer(text: str, intent: str | None, entities: list[dict[str, Any]], known_email: str | None) -> Answer:
    for entity in entities:
        if entity.get("entity") == "email" and EMAIL.fullmatch(str(entity.get("value") or "")):
            return Answer("email", str(entity["value"]))
    match = EMAIL.search(text or "")
    if match:
        return Answer("email", match.group(0))
    if intent == "affirm" and known_email:
        return Answer("email", known_email)
    if intent == "deny":
        return Answer("declined")
    return Answer("none")


class FollowUpOffers:
    """Open offers, one per conversation, in Redis (they survive a restart of the service)."""

    def __init__(self, redis: Redis, prefix: str, ttl_seconds: int = 7 * 24 * 3600) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl_seconds

    def _key(self, sender_id: str) -> str:
        return keyed(self.prefix, "engine:followup", sender_id)

    async def open(self, sender_id: str, escalation_id: int, known_email: str | None) -> None:
        offer = {"escalation_id": escalation_id, "known_email": known_email, "messages": 0}
        await self.redis.set(self._key(sender_id), json.dumps(offer), ex=self.ttl)

    async def get(self, sender_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(self._key(sender_id))
        return json.loads(raw) if raw else None

    async def unanswered(self, sender_id: str, offer: dict[str, Any]) -> None:
        """Count one message that did not answer; drop the offer after a few."""
        offer = {**offer, "messages": int(offer.get("messages", 0)) + 1}
        if offer["messages"] >= MAX_MESSAGES:
            await self.close(sender_id)
        else:
            await self.redis.set(self._key(sender_id), json.dumps(offer), ex=self.ttl)

    async def close(self, sender_id: str) -> None:
        await self.redis.delete(self._key(sender_id))
