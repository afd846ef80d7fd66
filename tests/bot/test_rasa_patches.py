"""bot/rasa_patches.py: the action server's answers and the HTTP API's events are checked as Rasa
checks them, without re-validating the schema on every call; a waiting message gets the lock
soon; any Rasa but 3.6.21 is refused. bot/serve.py installs the patches in the Rasa process
(tests/e2e/test_rasa_process.py checks that the stack's Rasa runs with them)."""

from __future__ import annotations

import jsonschema
import pytest
import rasa.server
from rasa.core.actions.action import RemoteAction
from rasa.core.lock_store import LockStore

from bot import rasa_patches


@pytest.fixture(autouse=True, scope="module")
def _installed() -> None:
    rasa_patches.install()

GOOD = {"events": [{"event": "slot", "name": "order_number", "value": "LK-100231"}],
        "responses": [{"text": "hi", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]}
BAD = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": "not a list"}]


def test_installed_and_idempotent() -> None:
    assert rasa_patches.installed()
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result
    rasa_patches.install()
    assert rasa_patches.installed()


def test_another_rasa_version_is_refused_before_anything_is_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LockStore, "lock", rasa_patches._original_lock)  # Rasa's own, for this test
    with pytest.raises(rasa_patches.UnsupportedRasaVersion, match=r"Rasa 3\.6\.21.*found Rasa 3\.7\.0"):
        rasa_patches.install(found="3.7.0")
    assert LockStore.lock is rasa_patches._original_lock


@pytest.mark.parametrize("result", [GOOD, {}, {"events": [], "responses": []}])
def test_valid_answers_pass(result: dict) -> None:
    assert rasa_patches._validate_action_result(None, result) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("result", BAD)
def test_invalid_answers_fail_with_rasas_error(result: dict) -> None:
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(result, schema)
    with pytest.raises(jsonschema.ValidationError) as ours:
        rasa_patches._validate_action_result(None, result)  # type: ignore[arg-type]
    assert ours.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in ours.value.message


class _Request:
    def __init__(self, body: object) -> None:
        self.json = body


def test_the_http_apis_event_check_is_replaced() -> None:
    assert rasa.server.validate_events_in_request_body is rasa_patches.validate_events_in_request_body


@pytest.mark.parametrize("body", [
    {"event": "bot", "text": "An agent will be with you shortly."},
    [{"event": "action", "name": "action_listen"}, {"event": "slot", "name": "order_number", "value": None}],
    [],
])
def test_valid_events_pass(body: object) -> None:
    assert rasa_patches.validate_events_in_request_body(_Request(body)) is None


@pytest.mark.parametrize("body", [{"no_event_key": 1}, [{"event": "bot"}, "not an event"], [{"event": 3}]])
def test_invalid_events_fail_with_rasas_error(body: object) -> None:
    events = body if isinstance(body, list) else [body]
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(events, rasa.server.EVENTS_SCHEMA)
    with pytest.raises(rasa.server.ErrorResponse) as ours:
        rasa_patches.validate_events_in_request_body(_Request(body))
    assert ours.value.status == 400
    assert ours.value.error_info["message"].endswith(f"Error: {original.value}")


async def test_a_waiting_message_gets_the_lock_soon_after_it_is_released() -> None:
    import asyncio
    import time

    from rasa.core.lock_store import InMemoryLockStore

    store = InMemoryLockStore()
    acquired_at: list[float] = []

    async def second() -> None:
        async with store.lock("c1"):
            acquired_at.append(time.perf_counter())

    async with store.lock("c1"):
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.05)
        assert not acquired_at  # still held by the first
        released_at = time.perf_counter()
    await waiting
    # Rasa's own poll is 1 s; ours 20 ms.
    assert acquired_at[0] - released_at < 0.5


async def test_a_tracker_redis_cannot_save_is_an_error_not_kept_in_memory() -> None:
    """Rasa would keep it in memory and the channel would acknowledge a message lost later."""
    import socket

    import redis
    from rasa.core.tracker_store import FailSafeTrackerStore, RedisTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    store = FailSafeTrackerStore(RedisTrackerStore(Domain.empty(), host="127.0.0.1", port=port))
    tracker = DialogueStateTracker.from_events("customer", [UserUttered("where is my order?")])
    with pytest.raises(redis.exceptions.ConnectionError):
        await store.save(tracker)
    assert await store.fallback_tracker_store.retrieve("customer") is None

