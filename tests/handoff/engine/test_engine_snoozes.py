"""The engine and a snoozed escalation, on real Redis and the real store: a customer's "thanks"
reaches no console and leaves it snoozed; a real question wakes it and reaches the agent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from handoff.auth.accounts import Accounts
from handoff.clients.knowledge import KnowledgeSuggestions
from handoff.clients.rasa import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.detection import Detector
from handoff.engine.availability import AvailabilityCheck
from handoff.engine.context import ContextBuilder
from handoff.engine.engine import HandoffEngine
from handoff.engine.hours import BusinessHours
from handoff.escalations.snoozes import SnoozeService
from handoff.services import history_of, online_check, queue_length_of
from tests.conftest import free_port
from tests.handoff.engine.conftest import PREFIX, Services
from tests.handoff.engine.test_engine import Feed, live_messages

HOURS = BusinessHours.parse("Mon-Sun 00:00-24:00", "America/New_York")


@pytest.fixture
async def engine(services: Services) -> AsyncIterator[HandoffEngine]:
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", "unused", timeout=2)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    snoozes = SnoozeService(services.escalations, online_check(services.presence), max_seconds=86_400,
                            check_every=1.0)
    yield HandoffEngine(
        redis=services.redis, prefix=PREFIX, conversations=ConversationStore(services.redis, PREFIX),
        escalations=services.escalations, rasa=rasa, detector=Detector.from_config(),
        availability=AvailabilityCheck(services.presence, HOURS, queue_length_of(services.escalations), 360, clock),
        context=ContextBuilder(orders=None, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                               history=history_of(services.escalations)),
        hours=HOURS, timezone_label="Eastern time", clock=clock, snoozes=snoozes,
    )
    await rasa.aclose()


async def test_thanks_stays_quiet_a_question_wakes_the_snoozed_escalation(engine: HandoffEngine,
                                                                          services: Services) -> None:
    maya = await Accounts(services.db, bcrypt_rounds=4).create(
        username="maya", password="correct horse", display_name="Maya", teams=["delivery"])
    await services.presence.set(maya, "online")
    escalation = await services.escalations.open(sender_id="snoozer", channel="rest", reason="lost_parcel",
                                                 team="delivery", frustration=0.4, packet={})
    await services.escalations.claim(maya, escalation.id)
    assert engine.snoozes is not None
    await engine.snoozes.snooze(maya, escalation.id, None)  # type: ignore[attr-defined]
    feed = Feed(engine)

    async def pushes_after(text: str, intent: str) -> list[dict]:
        ready = asyncio.Event()
        seen: list[dict] = []

        async def listen() -> None:
            async for message in live_messages(services, ready, seconds=1.5):
                seen.append(message)

        listening = asyncio.create_task(listen())
        await ready.wait()
        await feed.customer("snoozer", text, intent)
        await listening
        return [m for m in seen if m["data"].get("escalation_id") == escalation.id]

    quiet = await pushes_after("thanks!", "thank")
    assert "customer.message" not in [m["type"] for m in quiet]
    still = await services.escalations.get(escalation.id)
    assert still.snooze is not None and still.snooze.quiet_replies == 1
    woke = await pushes_after("it still hasn't arrived, can you check again", "ask_question")
    assert [m["type"] for m in woke if m["type"] != "escalation.updated"] == ["escalation.reopened",
                                                                              "customer.message"]
    assert next(m for m in woke if m["type"] == "customer.message")["agents"] == ["maya"]
    assert (await services.escalations.get(escalation.id)).snooze is None
