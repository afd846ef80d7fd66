"""Reporting events read from the event stream, on real Redis (the conversation store) and the
store's databases: what the bot did, each entry counted once however often it is delivered."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from contract import bot_handoff as contract
from handoff.conversations.store import ConversationStore
from handoff.store import Database, reporting
from handoff.stream.events import StreamEvent
from handoff.stream.reporting import StreamReporter, events_of
from tests.handoff.harness import Server

SENDER = "web-7f3a"


def entry(entry_id: str, event: dict[str, Any]) -> StreamEvent:
    fields = {contract.ENTRY_SENDER_ID: SENDER, contract.ENTRY_TYPE: event["event"],
              contract.ENTRY_EVENT: json.dumps(event)}
    return StreamEvent.from_entry(entry_id, fields)


def user(text: str, intent: str, confidence: float = 0.9) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": 10.0, "input_channel": "socketio",
            "parse_data": {"intent": {"name": intent, "confidence": confidence}}}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": 11.0}


CONVERSATION = [
    {"event": "session_started", "timestamp": 9.0},
    user("how much is shipping to canada", "ask_knowledge"),
    slot("kb_article", "shipping-canada"),
    user("yes", "affirm"),
    slot("kb_rejections", 0),
    user("can you knit me a scarf", "ask_knowledge"),
    slot("kb_no_match", 1),
    user("asdf qwerty", "nlu_fallback", 0.31),
    user("what about returns", "ask_knowledge"),
    slot("kb_article", "returns-policy"),
    user("no", "deny"),
    slot("kb_rejections", 1),
    slot("kb_awaiting_feedback", False),
]


@pytest.fixture
async def conversations(redis_url: str) -> AsyncIterator[ConversationStore]:
    redis = Redis.from_url(redis_url)
    yield ConversationStore(redis, "test", retention_seconds=3600)
    await redis.aclose()


async def play(store: ConversationStore, reporter: StreamReporter) -> None:
    for number, event in enumerate(CONVERSATION, start=1):
        stream_event = entry(f"{number}-0", event)
        await store.apply(stream_event)
        await reporter(stream_event)


async def test_a_conversation_s_bot_events_counted_once(database: Database, conversations: ConversationStore) -> None:
    reporter = StreamReporter(database, conversations)
    await play(conversations, reporter)
    await play(conversations, reporter)  # every entry delivered again, as after a crash
    found = await database.run(lambda s: reporting.of_conversation(s, SENDER))
    assert [(e.kind, e.actor, e.value, e.detail) for e in found] == [
        ("conversation_started", "customer", None, None),
        ("article_answered", "bot", None, "shipping-canada"),
        ("helped_yes", "customer", None, "shipping-canada"),
        ("no_match", "bot", 1.0, "can you knit me a scarf"),
        ("nlu_fallback", "bot", 0.31, "asdf qwerty"),
        ("article_answered", "bot", None, "returns-policy"),
        ("helped_no", "customer", 1.0, "returns-policy"),
        ("answer_rejected", "customer", None, "what about returns"),
    ]
    assert found[-1].reason == "returns-policy"  # the article wrongly given
    assert {e.channel for e in found[1:]} == {"socketio"}


def test_hostile_values_make_no_events() -> None:
    for event in (slot("kb_article", {"x": 1}), slot("kb_no_match", True), slot("kb_no_match", "2"),
                  slot("kb_rejections", None), {"event": "user", "text": "hi"}, slot("unrelated", 3)):
        assert events_of(entry("1-0", event), {}, []) == []


async def test_the_running_service_records_from_its_stream(server: Server) -> None:
    """The hook is wired: an entry published to the service's stream becomes a reporting event."""
    redis = Redis.from_url(server.services.settings.redis_url)
    # Now, not 1970: the service's retention sweep deletes events older than its period, and
    # its first sweep may run after this entry is recorded.
    event = {**slot("kb_article", "shipping-express"), "sender_id": "wired-1", "timestamp": time.time()}
    fields = {contract.ENTRY_SENDER_ID: "wired-1", contract.ENTRY_TYPE: "slot", contract.ENTRY_EVENT: json.dumps(event)}
    await redis.xadd(server.services.settings.event_stream, fields)
    async with asyncio.timeout(30):
        while not await server.services.db.run(lambda s: reporting.of_conversation(s, "wired-1")):
            await asyncio.sleep(0.05)
    found = await server.services.db.run(lambda s: reporting.of_conversation(s, "wired-1"))
    assert [(e.kind, e.detail) for e in found] == [("article_answered", "shipping-express")]
    await redis.aclose()


def action(name: str, at: float) -> dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": at}


def loop(name: str | None, at: float) -> dict[str, Any]:
    return {"event": "active_loop", "name": name, "timestamp": at}


LISTEN = "action_listen"
FLOWS = [
    # A delivery status asked and answered: completed.
    loop("order_status_form", 100.0), action("order_status_form", 100.0), action(LISTEN, 100.0),
    loop(None, 130.0), action("action_order_status", 131.0), action(LISTEN, 131.0),
    # A return stopped half-way.
    loop("return_form", 200.0), action(LISTEN, 200.0), action("action_leave_order_form", 210.0), loop(None, 210.0),
    action(LISTEN, 210.0),
    # A return whose verification failed three times: a person is called after the form ended.
    loop("return_form", 300.0), loop(None, 340.0),
    {**slot("unresolved_reason", "verification_failed"), "timestamp": 340.0},
    action(LISTEN, 341.0),
    # An order change the engine took over (frustration): paused, then its flow closed.
    loop("order_change_form", 400.0), {"event": "pause", "timestamp": 420.0}, loop(None, 420.0),
    action(LISTEN, 421.0),
    # The survey is no flow of the customer's.
    loop("csat_form", 500.0), loop(None, 510.0), action(LISTEN, 510.0),
    # A status asked, and the customer gone: the next session settles it.
    loop("order_status_form", 600.0), {"event": "session_started", "timestamp": 90_000.0},
]

async def test_flows_completed_or_abandoned_each_once(database: Database, conversations: ConversationStore) -> None:
    reporter = StreamReporter(database, conversations)
    for _ in range(2):  # every entry delivered again, as after a crash
        for number, event in enumerate(FLOWS, start=1):
            stream_event = entry(f"{number}-0", event)
            await conversations.apply(stream_event)
            await reporter(stream_event)
    found = await database.run(lambda s: reporting.of_conversation(s, SENDER))
    flows = [(e.kind, e.detail, e.reason, e.actor, e.value) for e in found if e.kind.startswith("flow_")]
    assert flows == [
        ("flow_completed", "order_status_form", None, "bot", 31.0),
        ("flow_abandoned", "return_form", "stopped", "customer", 10.0),
        ("flow_abandoned", "return_form", "verification_failed", "bot", 40.0),
        ("flow_abandoned", "order_change_form", "handed_over", "rule", 20.0),
        ("flow_abandoned", "order_status_form", "left", "customer", 89_400.0),
    ]


async def test_slots_carried_into_a_new_session_are_no_new_answer(database: Database,
                                                                 conversations: ConversationStore) -> None:
    """Rasa's session start sets the carried-over slots again: not the bot giving the article again."""
    reporter = StreamReporter(database, conversations)
    events = [{"event": "session_started", "timestamp": 1.0}, user("shipping to canada?", "ask_knowledge"),
              slot("kb_article", "shipping-canada"), slot("kb_rejections", 0), action(LISTEN, 12.0),
              {"event": "session_started", "timestamp": 90_000.0}, slot("kb_article", "shipping-canada"),
              slot("kb_rejections", 0), action(LISTEN, 90_001.0),
              user("and to Mexico?", "ask_knowledge"), slot("kb_article", "shipping-mexico")]
    for number, event in enumerate(events, start=1):
        stream_event = entry(f"{number}-0", event)
        await conversations.apply(stream_event)
        await reporter(stream_event)
    found = await database.run(lambda s: reporting.of_conversation(s, SENDER))
    assert [(e.kind, e.detail) for e in found] == [
        ("conversation_started", None), ("article_answered", "shipping-canada"), ("helped_yes", "shipping-canada"),
        ("conversation_started", None), ("article_answered", "shipping-mexico")]
