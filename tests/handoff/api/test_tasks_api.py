"""Follow-up tasks through the agents' API on running replicas: creating, listing and finishing
them, bad input; at the due time the reminder reaches the agent's console, once even with two
replicas; an undone task is escalated to the team; if the customer cannot be told, no task is
made that says they were."""

from __future__ import annotations

import json
import time
from pathlib import Path

from redis.asyncio import Redis

from handoff.store import reporting
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.api.test_snoozes_api import claimed
from tests.handoff.harness import Server, handoff_settings, next_push


async def test_create_list_finish_and_bad_input(server: Server) -> None:
    escalation = await claimed(server)
    maya, sam, admin = await server.login("maya"), await server.login("sam"), await server.login("admin")
    due = time.time() + 3600
    created = await maya.post(f"/escalations/{escalation.id}/tasks", json={"due_at": due, "note": "call the carrier"})
    assert created.status_code == 201, created.text
    task = created.json()
    assert (task["agent"], task["team"], task["state"], task["note"], task["promise"]) == (
        "maya", "returns", "open", "call the carrier", None)
    assert [t["id"] for t in (await maya.get("/tasks", params={"mine": True})).json()] == [task["id"]]
    assert [t["id"] for t in (await maya.get(f"/escalations/{escalation.id}/tasks")).json()] == [task["id"]]
    assert (await sam.get("/tasks")).json() == []  # delivery and general: not returns
    assert (await sam.get(f"/escalations/{escalation.id}/tasks")).status_code == 403
    assert (await sam.post(f"/tasks/{task['id']}/done")).status_code == 403
    for body, status, says in (
        ({"due_at": time.time() - 10, "note": "late"}, 422, "in the future, at most 30 days"),
        ({"due_at": due, "note": "  "}, 422, "the task's note is empty"),
        ({"due_at": due}, 422, "note: Field required"),
        ({"due_at": due, "note": "x", "promise": "p" * 300}, 422, "at most 200"),
    ):
        response = await maya.post(f"/escalations/{escalation.id}/tasks", json=body)
        assert (response.status_code, says in response.json()["detail"]) == (status, True), response.json()
    assert (await maya.post("/tasks/424242/done")).status_code == 404
    finished = await admin.post(f"/tasks/{task['id']}/done")
    assert finished.status_code == 200 and finished.json()["state"] == "done"
    assert (await maya.post(f"/tasks/{task['id']}/done")).status_code == 409
    for client in (maya, sam, admin):
        await client.aclose()


async def test_telling_the_customer_needs_rasa_and_the_chat(server: Server) -> None:
    escalation = await claimed(server)
    maya = await server.login("maya")
    body = {"due_at": time.time() + 3600, "note": "call the carrier", "promise": "check with the carrier",
            "tell_customer": True}
    # Rasa is not running here: the customer cannot be told, so nothing claims they were.
    down = await maya.post(f"/escalations/{escalation.id}/tasks", json=body)
    assert down.status_code == 502 and down.json()["detail"].startswith("Rasa could not be reached")
    assert (await maya.get(f"/escalations/{escalation.id}/tasks")).json() == []
    await maya.aclose()


async def test_reminder_once_with_two_replicas_then_escalated_to_the_team(redis_url: str, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    fast = {"HANDOFF_TASK_CHECK_SECONDS": 0.1, "HANDOFF_TASK_OVERDUE_MINUTES": 0.03}  # overdue 1.8 s after due
    redis = Redis.from_url(redis_url)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    async with (Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as one,
                Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as two):
        await pubsub.subscribe(f"{one.settings.key_prefix}:live")
        escalation = await claimed(one)
        maya = await one.login("maya")
        async with one.websocket(maya.token) as ws:  # type: ignore[attr-defined]
            await next_push(ws, "hello", timeout=30)  # signed in: its pushes reach this socket
            created = await maya.post(f"/escalations/{escalation.id}/tasks",
                                      json={"due_at": time.time() + 1.0, "note": "check the refund posted"})
            assert created.status_code == 201
            reminder = await next_push(ws, "task.due", timeout=30)
            assert reminder["data"]["id"] == created.json()["id"] and reminder["data"]["state"] == "due"
            overdue = await next_push(ws, "task.overdue", timeout=10)
            assert overdue["data"]["state"] == "overdue"
        pushes = []
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            raw = await pubsub.get_message(timeout=0.2)
            if raw is not None:
                pushes.append(json.loads(raw["data"]))
        await maya.aclose()
        assert one.services.tasks.reminded + two.services.tasks.reminded == 1
        # The reports' "follow-up due", once, with the reminder's step.
        events = await one.services.db.run(lambda s: reporting.of_conversation(s, escalation.sender_id))
        assert [(e.team, e.agent) for e in events if e.kind == "followup_due"] == [("returns", "maya")]
        assert one.services.tasks.escalated + two.services.tasks.escalated == 1
    await pubsub.aclose()
    await redis.aclose()
    due_pushes = [p for p in pushes if p["type"] == "task.due"]
    overdue_pushes = [p for p in pushes if p["type"] == "task.overdue"]
    assert [(p["agents"], p["teams"]) for p in due_pushes] == [(["maya"], [])]
    assert [(p["agents"], p["teams"]) for p in overdue_pushes] == [(["maya"], ["returns"])]


async def test_an_email_me_request_becomes_one_task_for_the_team(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_TASK_CHECK_SECONDS=0.1)
    async with Server(settings) as server:
        service = server.services.escalations
        escalation = await open_escalation(server, "web-omar")
        declined = await open_escalation(server, "web-liam")
        maya = await server.login("maya")
        async with server.websocket(maya.token) as ws:  # type: ignore[attr-defined]
            # Signed in first: a push sent while the server still read the token went nowhere,
            # and on a loaded machine the task came due in that moment.
            await next_push(ws, "hello", timeout=30)
            await service.record_follow_up("web-omar", "Omar.H@example.com")
            reminder = await next_push(ws, "task.due", timeout=30)
        assert reminder["data"]["escalation_id"] == escalation.id and reminder["data"]["agent"] is None
        assert reminder["data"]["note"].startswith("Email the customer at omar.h@example.com:")
        await service.record_follow_up("web-omar", "omar.h@example.com")  # said again: still one task
        await service.record_follow_up("web-liam", None)  # declined: nothing to do
        listed = (await maya.get("/tasks")).json()
        assert [(t["escalation_id"], t["created_by"], t["team"]) for t in listed] == [
            (escalation.id, "bot", "returns")]
        assert (await maya.get(f"/escalations/{declined.id}/tasks")).json() == []
        await maya.aclose()
