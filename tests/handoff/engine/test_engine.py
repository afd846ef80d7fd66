"""The engine's hook on real Redis, the real escalation store and the real detector: what it does
with each event of the stream. Rasa is not running here (a closed port): the paths that reach
Rasa are covered with the whole stack in tests/e2e/test_handoff.py; here Rasa being down must
not lose an escalation."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest

from handoff.clients.knowledge import KnowledgeSuggestions
from handoff.clients.rasa import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.detection import Detector
from handoff.engine.availability import AvailabilityCheck
from handoff.engine.context import ContextBuilder
from handoff.engine.engine import HandoffEngine, OpeningElsewhere
from handoff.engine.hours import BusinessHours
from handoff.keys import keyed
from handoff.services import history_of, queue_length_of
from handoff.store import escalations as rows
from handoff.stream.events import StreamEvent
from tests.conftest import free_port
from tests.handoff.engine.conftest import PREFIX, Services

HOURS = BusinessHours.parse("Mon-Sun 00:00-24:00", "America/New_York")


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.from_config()


@pytest.fixture
async def engine(services: Services, detector: Detector) -> AsyncIterator[HandoffEngine]:
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", "unused", timeout=2)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    yield HandoffEngine(
        redis=services.redis, prefix=PREFIX, conversations=ConversationStore(services.redis, PREFIX),
        escalations=services.escalations, rasa=rasa, detector=detector,
        availability=AvailabilityCheck(services.presence, HOURS, queue_length_of(services.escalations), 360, clock),
        context=ContextBuilder(orders=None, knowledge=KnowledgeSuggestions(f"http://127.0.0.1:{free_port()}"),
                               history=history_of(services.escalations)),
        hours=HOURS, timezone_label="Eastern time", clock=clock,
    )
    await rasa.aclose()


class Feed:
    """Events as the consumer hands them over: applied to the conversation store, then the hook."""

    def __init__(self, engine: HandoffEngine) -> None:
        self.engine = engine
        self.ids = count(int(time.time() * 1000))

    async def __call__(self, sender: str, event: dict) -> StreamEvent:
        stream_event = StreamEvent(f"{next(self.ids)}-0", sender, event["event"],
                                   {"timestamp": time.time(), **event})
        await self.engine.conversations.apply(stream_event)
        await self.engine.on_applied(stream_event)
        return stream_event

    async def customer(self, sender: str, text: str, intent: str, confidence: float = 0.9,
                       entities: list[dict] | None = None) -> StreamEvent:
        return await self(sender, {"event": "user", "text": text, "input_channel": "rest",
                                   "parse_data": {"intent": {"name": intent, "confidence": confidence},
                                                  "entities": entities or []}})

    async def bot(self, sender: str, text: str) -> StreamEvent:
        return await self(sender, {"event": "bot", "text": text, "metadata": {}})


async def live_messages(services: Services, ready: asyncio.Event, seconds: float = 3.0) -> AsyncIterator[dict]:
    """What the service pushes to the consoles (Redis pub/sub) during the next `seconds`."""
    pubsub = services.redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(f"{PREFIX}:live")
    ready.set()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            raw = await pubsub.get_message(timeout=0.2)
            if raw is not None:
                yield json.loads(raw["data"])
    finally:
        await pubsub.aclose()


async def test_a_calm_conversation_opens_nothing(engine: HandoffEngine, services: Services) -> None:
    feed = Feed(engine)
    await feed.customer("calm", "hi", "greet")
    await feed.bot("calm", "Hi, I'm the Larkspur & Co. assistant. What can I do for you?")
    await feed.customer("calm", "I'm so sad the sweater sold out, when is it back?", "ask_question")
    assert await services.escalations.active_for("calm") is None


async def test_explicit_request_opens_an_escalation_even_with_rasa_down(engine: HandoffEngine,
                                                                        services: Services) -> None:
    feed = Feed(engine)
    await feed.customer("asker", "my parcel LK-100236 has not moved in 9 days", "nlu_fallback", 0.3,
                        [{"entity": "order_number", "value": "LK-100236"}])
    await feed.bot("asker", "Sorry, I couldn't find an answer to that in our help centre.")
    await feed.customer("asker", "HUMAN!! let me talk to a real person", "request_human", 0.97)
    escalation = await services.escalations.active_for("asker")
    assert escalation is not None and escalation.reason == "explicit_request"
    assert escalation.team == "delivery"  # the order number typed tells the topic
    packet = escalation.packet
    assert packet["source"] == "stream"  # Rasa's tracker was unreachable: the service's own copy
    assert packet["identity"]["order_number"] == "LK-100236"
    assert "LK-100236" in packet["summary_line"] and packet["summary_line"].startswith("explicit request")
    assert next(line["text"] for line in packet["transcript"]).startswith("my parcel LK-100236")
    assert packet["availability"]["available"] is False  # nobody online
    # Opening again (the next message) keeps the one escalation.
    await feed.customer("asker", "hello?? anyone", "nlu_fallback", 0.2)
    assert len(await services.escalations.history_for("asker")) == 1


async def test_a_flows_reason_opens_for_its_team(engine: HandoffEngine, services: Services) -> None:
    feed = Feed(engine)
    await feed.customer("returner", "I want to return order LK-100233", "start_return", 0.9)
    await feed("returner", {"event": "slot", "name": "order_number", "value": "LK-100233"})
    await feed("returner", {"event": "slot", "name": "unresolved_reason", "value": "policy_exception"})
    escalation = await services.escalations.active_for("returner")
    assert (escalation.reason, escalation.team) == ("policy_exception", "returns")
    assert escalation.packet["facts"]["slots"]["order_number"] == "LK-100233"


async def test_the_bots_promise_alone_opens_an_escalation(engine: HandoffEngine, services: Services) -> None:
    """The one owner of the promise (docs/decisions/0103): a quiet message the detector passes by,
    then the bot's `unresolved_reason`; the slot alone opens the escalation."""
    feed = Feed(engine)
    await feed.customer("quiet", "it's about my order LK-100236 from last week", "ask_question", 0.12)
    assert await services.escalations.active_for("quiet") is None  # the detector did not hand over
    await feed("quiet", {"event": "slot", "name": "unresolved_reason", "value": "explicit_request"})
    escalation = await services.escalations.active_for("quiet")
    assert escalation is not None and escalation.reason == "explicit_request"


async def test_customer_messages_of_an_open_escalation_reach_the_agents_once(engine: HandoffEngine,
                                                                            services: Services) -> None:
    opened = await services.escalations.open(sender_id="waiting", channel="rest", reason="frustration",
                                             team="delivery", frustration=0.7, packet={"summary_line": "x"})
    feed = Feed(engine)
    received: list[dict] = []

    ready = asyncio.Event()

    async def listen() -> None:
        async for message in live_messages(services, ready):
            received.append(message)

    listener = asyncio.create_task(listen())
    await ready.wait()
    event = await feed.customer("waiting", "are you still there? this is useless", "nlu_fallback", 0.2)
    await engine.on_applied(event)  # delivered again after a crash: not relayed twice
    await feed.customer("waiting", "EXTERNAL: handback", "handback", 1.0)  # the bot's machinery, not the customer
    await listener
    relayed = [m for m in received if m["type"] == "customer.message"]
    assert len(relayed) == 1
    assert relayed[0]["data"]["escalation_id"] == opened.id
    assert relayed[0]["data"]["text"] == "are you still there? this is useless"
    assert relayed[0]["teams"] == ["delivery"]
    # The conversation belongs to a person: the detector stays out of it.
    assert len(await services.escalations.history_for("waiting")) == 1


async def test_the_agent_sees_a_button_press_by_its_title_a_notice_as_a_line_and_a_resent_message_once(
        engine: HandoffEngine, services: Services) -> None:
    opened = await services.escalations.open(sender_id="pressing", channel="socketio", reason="frustration",
                                             team="delivery", frustration=0.7, packet={"summary_line": "x"})
    feed = Feed(engine)
    received: list[dict] = []
    ready = asyncio.Event()

    async def listen() -> None:
        async for message in live_messages(services, ready):
            received.append(message)

    await feed("pressing", {"event": "pause"})  # the engine paused the bot when it opened the escalation
    listener = asyncio.create_task(listen())
    await ready.wait()
    await feed("pressing", {"event": "bot", "text": "Sam from Larkspur & Co. has joined the chat.",
                            "metadata": {"agent": "Sam", "kind": "agent_joined"}})
    await feed("pressing", {"event": "bot", "text": "Shall we email you?", "metadata": {},
                            "data": {"buttons": [{"title": "Yes, email me", "payload": "/affirm"}]}})
    pressed = await feed("pressing", {"event": "user", "text": "/affirm", "message_id": "w-1",
                                      "parse_data": {"intent": {"name": "affirm", "confidence": 1.0}}})
    await feed("pressing", {"event": "user", "text": "/affirm", "message_id": "w-1",  # resent after a reload
                            "parse_data": {"intent": {"name": "affirm", "confidence": 1.0}}})
    await feed("pressing", {"event": "bot", "text": "Thanks", "metadata": {"agent": "Sam", "kind": "agent_message"}})
    await listener
    relayed = [m["data"] for m in received if m["type"] == "customer.message"]
    assert [(m["text"], m["pressed"], m["id"], m["escalation_id"]) for m in relayed] == [
        ("Yes, email me", "/affirm", pressed.entry_id, opened.id)]
    # The service's and the bot's lines come live too; the agent's own words come as agent.message.
    lines = [(m["data"]["role"], m["data"]["text"]) for m in received if m["type"] == "conversation.line"]
    assert lines == [("system", "Sam from Larkspur & Co. has joined the chat."), ("bot", "Shall we email you?")]
    # The engine's own line (no agent, no notice) is kept as what the customer was told (0187).
    told = (await services.escalations.get(opened.id)).told
    assert [t.text for t in told] == ["Shall we email you?"]


async def resolved_escalation(services: Services, sender_id: str) -> Any:
    """An escalation maya has just resolved: the state in which the survey runs."""
    opened = await services.escalations.open(sender_id=sender_id, channel="rest", reason="explicit_request",
                                             team="general", frustration=0.1, packet={"summary_line": "x"})
    await services.db.run(lambda s: rows.close(s, opened.id, state="completed", outcome="resolved", by="maya",
                                               detail=None, now=time.time()))
    return opened


async def test_csat_from_the_survey_slots_is_stored(engine: HandoffEngine, services: Services) -> None:
    opened = await resolved_escalation(services, "rated")
    feed = Feed(engine)
    await feed("rated", {"event": "resume"})
    await feed.customer("rated", "/handback", "handback", 1.0)
    await feed("rated", {"event": "slot", "name": "csat_rating", "value": None})  # the survey starts clean
    await feed("rated", {"event": "slot", "name": "requested_slot", "value": "csat_rating"})
    await feed.customer("rated", '/rate_service{"csat_rating": 4}', "rate_service", 1.0)
    await feed("rated", {"event": "slot", "name": "csat_rating", "value": 4.0})
    stored = await services.escalations.get(opened.id)
    assert (stored.csat_rating, stored.csat_comment) == (4, None)
    await feed("rated", {"event": "slot", "name": "requested_slot", "value": "csat_comment"})
    # A blunt comment is feedback, not a reason to escalate again.
    await feed.customer("rated", "took too long, useless wait!!", "nlu_fallback", 0.3)
    await feed("rated", {"event": "slot", "name": "csat_comment", "value": "took too long, useless wait!!"})
    stored = await services.escalations.get(opened.id)
    assert (stored.csat_rating, stored.csat_comment) == (4, "took too long, useless wait!!")
    assert await services.escalations.active_for("rated") is None


async def test_a_rating_the_bot_refuses_is_not_stored_either(engine: HandoffEngine, services: Services) -> None:
    """Issue 19 gap: the engine stored "4.5" as 4 where the bot refused it; both read it with contract/csat.py."""
    opened = await resolved_escalation(services, "half")
    feed = Feed(engine)
    for value in ("4.5", 4.5, "between 3 and 4", "10"):
        await feed("half", {"event": "slot", "name": "csat_rating", "value": value})
    assert (await services.escalations.get(opened.id)).csat_rating is None
    await feed("half", {"event": "slot", "name": "csat_rating", "value": "four"})
    assert (await services.escalations.get(opened.id)).csat_rating == 4


async def test_a_skipped_comment_stores_no_comment(engine: HandoffEngine, services: Services) -> None:
    opened = await resolved_escalation(services, "brief")
    feed = Feed(engine)
    await feed("brief", {"event": "slot", "name": "csat_rating", "value": 5})
    await feed("brief", {"event": "slot", "name": "csat_comment", "value": ""})
    stored = await services.escalations.get(opened.id)
    assert (stored.csat_rating, stored.csat_comment) == (5, None)


async def test_an_opening_lock_left_by_a_killed_life_of_this_replica_is_taken_over(
        engine: HandoffEngine, services: Services) -> None:
    """Killed while opening, the replica restarts under the same consumer name and finds its
    own lock: before, it took the lock for another replica's, marked the entry done, and the
    hand-over was lost (bench/faults.py found it)."""
    feed = Feed(engine)
    await services.redis.set(keyed(PREFIX, "engine:opening", "killed"), engine.owner, ex=30)
    await feed.customer("killed", "let me talk to a real person please", "request_human", 0.97)
    assert await services.escalations.active_for("killed") is not None


async def test_an_opening_lock_of_another_replica_leaves_the_entry_to_retry(
        engine: HandoffEngine, services: Services) -> None:
    feed = Feed(engine)
    lock = keyed(PREFIX, "engine:opening", "contended")
    await services.redis.set(lock, "another-replica", ex=30)
    with pytest.raises(OpeningElsewhere):
        await feed.customer("contended", "let me talk to a real person please", "request_human", 0.97)
    # The entry is not marked done: once the other replica is gone, the retry opens it.
    await services.redis.delete(lock)
    await feed.customer("contended", "let me talk to a real person please", "request_human", 0.97)
    assert await services.escalations.active_for("contended") is not None


async def test_a_retried_ask_of_a_turn_whose_escalation_was_closed_opens_no_second(
        engine: HandoffEngine, services: Services) -> None:
    """One turn asks twice: the customer's words, then the bot's unresolved_reason. With two
    replicas, one opens the escalation from the words while the other takes the slot, finds the
    opening lock held and leaves its entry to be retried; a person may close the escalation
    first. The retry must not hand the customer over again (CI saw two explicit hand-overs of
    one conversation in the reports)."""
    feed = Feed(engine)
    # Rasa publishes a turn's events when it saves the tracker: both happened before either is read.
    now = time.time() - 1
    words = StreamEvent(f"{next(feed.ids)}-0", "twice", "user", {
        "event": "user", "text": "let me talk to a real person please", "timestamp": now, "input_channel": "rest",
        "parse_data": {"intent": {"name": "request_human", "confidence": 0.97}, "entities": []}})
    slot = StreamEvent(f"{next(feed.ids)}-0", "twice", "slot", {
        "event": "slot", "name": "unresolved_reason", "value": "explicit_request", "timestamp": now + 0.2})
    for event in (words, slot):
        await engine.conversations.apply(event)
    lock = keyed(PREFIX, "engine:opening", "twice")
    await services.redis.set(lock, "another-replica", ex=30)
    with pytest.raises(OpeningElsewhere):
        await engine.on_applied(slot)
    await services.redis.delete(lock)
    await engine.on_applied(words)  # the other replica's work, done while the slot waits
    opened = await services.escalations.active_for("twice")
    assert opened is not None and opened.reason == "explicit_request"
    await services.escalations.fail(opened.id, detail_text="served", outcome="resolved")

    await engine.on_applied(slot)  # the retry
    assert await services.escalations.active_for("twice") is None
    assert len(await services.escalations.history_for("twice")) == 1
    # Asked again after that escalation, a person is called again.
    await feed.customer("twice", "I need a person again please", "request_human", 0.97)
    assert len(await services.escalations.history_for("twice")) == 2
