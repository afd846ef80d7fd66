"""bot/message_limits.py: which REST bodies and socket.io events are refused, and in what words;
an oversized message is answered on its channel and never reaches the processor. The whole
behaviour against the running Rasa: tests/security/test_message_size.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import message_limits
from bot.settings import RasaSettings
from contract.bot_handoff import MAX_SENDER_ID
from defaults import MAX_MESSAGE_CHARS
from defaults.env import SettingsError


@pytest.mark.parametrize(("body", "problem"), [
    ([], "JSON object"), (None, "JSON object"), ("hi", "JSON object"),
    ({"message": "hi"}, "'sender' is required"), ({"sender": "", "message": "hi"}, "'sender' is required"),
    ({"sender": True, "message": "hi"}, "'sender' must be text"), ({"sender": [1], "message": "hi"}, "must be text"),
    ({"sender": "a"}, "'message' is required"), ({"sender": "a", "message": 3}, "'message' is required"),
    ({"sender": "a", "message": "hi", "metadata": "{}"}, "'metadata' must be a JSON object"),
    ({"sender": "a", "message": "hi", "input_channel": 1}, "'input_channel' must be text"),
    ({"sender": "x" * (MAX_SENDER_ID + 1), "message": "hi"}, f"at most {MAX_SENDER_ID} characters"),
    ({"sender": "a\x00b", "message": "hi"}, "must not contain NUL"),
])
def test_malformed_rest_bodies_are_named(body: Any, problem: str) -> None:
    found = message_limits.rest_problem(body)
    assert found is not None and problem in found


@pytest.mark.parametrize("body", [
    {"sender": "a", "message": ""}, {"sender": 12, "message": "hi"},
    {"sender": "\u00e9\U0001f642:/%" * (MAX_SENDER_ID // 5), "message": "hi", "metadata": {"k": 1},
     "input_channel": "rest"},
])
def test_well_formed_rest_bodies_pass(body: dict[str, Any]) -> None:
    assert message_limits.rest_problem(body) is None


def test_socket_events_are_checked() -> None:
    assert message_limits.socket_message_problem("hello", True) is not None
    assert message_limits.socket_message_problem({"message": 1, "session_id": "s"}, True) is not None
    assert message_limits.socket_message_problem({"message": "hi", "session_id": ["s"]}, True) is not None
    assert message_limits.socket_message_problem({"message": "hi", "session_id": "s"}, True) is None
    assert message_limits.socket_metadata({"metadata": '{"a": 1}'}, "metadata") == ({"a": 1}, None)
    assert message_limits.socket_metadata({}, "metadata") == ({}, None)
    assert message_limits.socket_metadata({"metadata": "[1]"}, "metadata")[1] is not None
    assert message_limits.socket_metadata({"metadata": "{no"}, "metadata")[1] is not None


def test_the_limit_is_a_setting() -> None:
    assert RasaSettings.from_env({}).max_message_chars == MAX_MESSAGE_CHARS == 2_000
    assert RasaSettings.from_env({"BATON_MAX_MESSAGE_CHARS": "500"}).max_message_chars == 500
    with pytest.raises(SettingsError):
        RasaSettings.from_env({"BATON_MAX_MESSAGE_CHARS": "0"})


def test_an_oversized_message_is_answered_and_not_handled() -> None:
    handled: list[UserMessage] = []

    async def handle(_agent: Agent, message: UserMessage) -> str:
        handled.append(message)
        return "handled"

    limited = message_limits._limit_size(handle, 10)
    agent = object.__new__(Agent)
    collector = CollectingOutputChannel()
    assert asyncio.run(limited(agent, UserMessage("x" * 11, collector, "s1"))) is None
    assert handled == [] and "11 characters" in collector.messages[0]["text"]
    assert "at most 10" in collector.messages[0]["text"] and collector.messages[0]["recipient_id"] == "s1"
    assert asyncio.run(limited(agent, UserMessage("x" * 10, collector, "s1"))) == "handled"
    assert len(handled) == 1


def test_lone_surrogates_and_nul_become_replacement_characters() -> None:
    assert message_limits.readable("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert message_limits.readable("ok \U0001f642 é") == "ok \U0001f642 é"
    assert message_limits.readable("a\x00b\x00\ud800") == "a\ufffdb\ufffd\ufffd"

    seen: list[str] = []

    async def handle(_agent: Agent, message: UserMessage) -> None:
        seen.append(message.text)

    limited = message_limits._limit_size(handle, 100)
    asyncio.run(limited(object.__new__(Agent), UserMessage("hi \ud800", CollectingOutputChannel(), "s2")))
    asyncio.run(limited(object.__new__(Agent), UserMessage("hi\x00", CollectingOutputChannel(), "s2")))
    assert seen == ["hi \ufffd", "hi\ufffd"]
