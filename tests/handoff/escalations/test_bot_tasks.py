"""The bot's check-back promises become follow-up tasks, read from the event stream by the real
handoff service (engine, consumer, Redis, store): the bot's events are written to the stream as
Rasa's broker writes them (bot/broker.py), in the order the lost-parcel action returns them
(bot/actions/order_flows/delivery.py): the hand-over slot, then the follow-up."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from contract import bot_handoff as contract
from handoff.escalations.bot_tasks import NoEscalationYet, read_promise
from handoff.store import tasks as task_rows
from handoff.stream.events import StreamEvent
from tests.handoff.harness import Server, handoff_settings, next_push

STREAM = "test:events"  # the harness's stream
DAY = 86_400.0


@pytest.fixture
async def server(redis_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_TASK_CHECK_SECONDS=3600)  # the test ticks by hand
    async with Server(settings, engine=True) as running:
        yield running


def fields(sender: str, event: dict[str, Any]) -> dict[str, str]:
    body = {"timestamp": time.time(), "sender_id": sender, **event}
    return {"sender_id": sender, "type": event["event"], "event": json.dumps(body)}


def promise(due_at: float, note: str = "Lost parcel of LK-100236: check the investigation with USPS") -> dict:
    told = "Our team will check on the investigation with USPS and write to you here by Friday 15 January at 17:00 UTC."
    return {"event": "slot", "name": contract.FOLLOW_UP_SLOT, "value": {"due_at": due_at, "note": note, "told": told}}


async def until(check, timeout: float = 15.0) -> Any:
    async with asyncio.timeout(timeout):
        while not (found := await check()):
            await asyncio.sleep(0.05)
    return found


async def test_a_lost_parcel_promise_becomes_one_task_for_the_team(server: Server) -> None:
    redis = Redis.from_url(server.settings.redis_url)
    sam = await server.login("sam")  # the delivery team, where lost parcels go
    due_at = time.time() + 40 * DAY
    async with server.websocket(sam.token) as ws:
        await redis.xadd(STREAM, fields("wa-1", {"event": "user", "text": "my parcel never arrived",
                                                 "input_channel": "twilio",
                                                 "parse_data": {"intent": {"name": "check_order_status"}}}))
        await redis.xadd(STREAM, fields("wa-1", {"event": "slot", "name": contract.UNRESOLVED_REASON_SLOT,
                                                 "value": contract.LOST_PARCEL}))
        entry = await redis.xadd(STREAM, fields("wa-1", promise(due_at)))
        pushed = (await next_push(ws, "task.created"))["data"]
        await checks(server, sam, ws, entry.decode(), pushed, due_at)
    await redis.aclose()


async def checks(server: Server, sam: Any, ws: Any, entry: str, pushed: dict[str, Any], due_at: float) -> None:
    services = server.services
    escalation = await services.escalations.active_for("wa-1")
    assert escalation is not None and escalation.team == "delivery"
    assert (pushed["escalation_id"], pushed["team"], pushed["agent"], pushed["created_by"]) == (
        escalation.id, "delivery", None, "bot")
    assert pushed["due_at"] == pytest.approx(due_at) and pushed["note"].startswith("Lost parcel of LK-100236")
    assert pushed["promise"].startswith("Our team will check on the investigation with USPS")
    listed = (await sam.get("/tasks")).json()
    assert [t["id"] for t in listed] == [pushed["id"]]

    # The same entry handled again (a retry, a replica that died after the commit): no second task.
    event = StreamEvent.from_entry(entry, fields("wa-1", promise(due_at)))
    again = await asyncio.gather(*(services.bot_tasks.observe(event) for _ in range(3)))
    assert {task.id for task in again} == {pushed["id"]}
    assert len(await services.db.run(lambda s: task_rows.of_escalation(s, escalation.id))) == 1

    # When it is due it comes back to the team, as any task without an agent.
    reminded, _ = await services.tasks.tick(now=due_at + 1)
    assert reminded == [pushed["id"]]
    assert (await next_push(ws, "task.due"))["data"]["id"] == pushed["id"]


async def test_no_escalation_yet_is_retried_and_a_bad_value_is_dropped(server: Server) -> None:
    services = server.services
    assert services.bot_tasks is not None
    ahead = time.time() + DAY
    lone = StreamEvent.from_entry("9-0", fields("nobody", promise(ahead)))
    with pytest.raises(NoEscalationYet, match="no open escalation"):
        await services.bot_tasks.observe(lone)
    cleared = {"event": "slot", "name": contract.FOLLOW_UP_SLOT, "value": None}
    assert await services.bot_tasks.observe(StreamEvent.from_entry("9-1", fields("nobody", cleared))) is None
    long_id = StreamEvent.from_entry("1" * 80 + "-0", fields("nobody", promise(ahead)))
    assert await services.bot_tasks.observe(long_id) is None


@pytest.mark.parametrize("value", [
    None, "tomorrow", [], {"due_at": "tomorrow", "note": "n"}, {"due_at": True, "note": "n"},
    {"due_at": float("nan"), "note": "n"}, {"due_at": 1000.0 + 3 * DAY, "note": "  "},
    {"due_at": 1000.0 + 3 * DAY, "note": 5}, {"due_at": 999.0, "note": "n"},
    {"due_at": 1000.0 + 91 * DAY, "note": "n"},
])
def test_values_that_cannot_be_a_task(value: Any) -> None:
    assert read_promise(value, at=1000.0, max_seconds=90 * DAY) is None


def test_a_promise_is_bounded() -> None:
    read = read_promise({"due_at": 1000.0 + DAY, "note": " n" * 1000, "told": "t" * 5000}, at=1000.0,
                        max_seconds=90 * DAY)
    assert read is not None and len(read.note) == contract.FOLLOW_UP_NOTE_CHARS and len(read.told or "") == 1000
    assert read_promise({"due_at": 1000.0 + DAY, "note": "n"}, at=1000.0, max_seconds=DAY) == type(read)(
        1000.0 + DAY, "n", None)
