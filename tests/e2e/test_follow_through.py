"""After the hand-over (issue 21), end to end: real Rasa, the action server, Redis, the handoff
service and its store, Telegram against the fake provider, the console in Debian's
Chromium.

- A customer on Telegram asks for a person; the team is warned before the first-response target
  is breached; Maya answers, snoozes the conversation until the customer replies; a "thanks!"
  leaves it asleep, a real question wakes it and her console says so.
- A lost parcel (LK-100236, USPS): the bot promises the team will check the investigation before
  the carrier's claim deadline (decision 0221); that promise is a task for the delivery team; when
  it is due Sam's console reminds him, and his message reaches the customer on Telegram.
- A follow-up task and a snooze that come due fire once each: with one process while a second
  starts on the same store and Redis (as a restarted one does), and with both running.

"The test sets the clock": the service's timers read due times from the store, so the test sets
them a few seconds ahead through the API (an agent's task, a snooze), or moves them back in the
service's own database as if the time had passed (the bot's task, due weeks ahead; an SLA
clock's warning point); the service's own loops (every HANDOFF_*_CHECK_SECONDS, 5 s by default)
do the rest. Nothing is called on the service that it would not do by itself.
Screenshot: docs/screenshots/console-bot-follow-up-due.png."""

from __future__ import annotations

import copy
import dataclasses
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, select, update

from handoff.store.db import normalize_url
from handoff.store.models import SlaClockRow, TaskRow
from orders.demo_store import DemoStore
from tests.conftest import Stack, free_port
from tests.e2e.fake_providers import FakeProviders
from tests.e2e.test_admin_pages import sign_in
from tests.e2e.test_channels import customer, escalation_of, login
from tests.e2e.test_widget_console import watch
from tests.handoff.harness import DEMO_PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PUSHED = 30_000  # ms: a due time is seen within HANDOFF_*_CHECK_SECONDS (5 s), on a busy machine later


def in_store(stack: Stack, work: Any) -> Any:
    """Run `work(connection)` in one transaction on the handoff service's own database (SQLite
    under the stack's var, or PostgreSQL when the stack names one)."""
    engine = create_engine(normalize_url(stack.database_url))
    try:
        with engine.begin() as connection:
            return work(connection)
    finally:
        engine.dispose()


def poll(check: Any, what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def resolve(stack: Stack, headers: dict[str, str], escalation_id: int) -> None:
    """Close it, so that its clocks stop and push nothing into the session's later tests."""
    closed = httpx.post(f"{stack.url('handoff')}/escalations/{escalation_id}/resolve",
                        json={"outcome": "resolved", "handback": False}, headers=headers, timeout=30)
    assert closed.status_code == 200, closed.text


def console(chromium: Browser, stack: Stack, username: str) -> tuple[Page, list[str]]:
    """`username`'s console, signed in (which also makes them online), on their teams' queue."""
    page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
    errors: list[str] = []
    watch(page, [], errors)
    sign_in(page, stack.url("handoff"), username, DEMO_PASSWORD)
    page.locator('#queue-views button[data-view="teams"]').click()
    return page, errors


def test_warned_before_the_breach_then_snoozed_until_a_real_question(
        stack: Stack, fake_providers: FakeProviders, chromium: Browser) -> None:
    handoff = stack.url("handoff")
    maya = login(stack, "maya")
    person = customer("telegram", fake_providers)
    page, errors = console(chromium, stack, "maya")

    assert person.post(stack, "I want to talk to a real person").status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "support team")
    card = escalation_of(stack, maya, person.sender_id)
    assert card["team"] == "general"
    page.locator("#queue-search").fill(person.sender_id)  # the session's stack holds other tests' too
    listed = page.locator(f'#queue-list [data-escalation-id="{card["id"]}"]')
    badge = listed.locator(".sla")
    expect(badge).to_contain_text("SLA on track: first response", timeout=PUSHED)

    # The clock: the first-response clock's start moved back so that its warning is due now
    # (the 80 % point of 15 minutes), and its breach 3 minutes of support hours later.
    def move_back(connection: Any) -> float:
        clock = connection.execute(select(SlaClockRow).where(
            SlaClockRow.escalation_id == card["id"], SlaClockRow.kind == "first_response")).one()
        shift = clock.warn_at - time.time() + 1
        connection.execute(update(SlaClockRow).where(SlaClockRow.id == clock.id, SlaClockRow.warned_at.is_(None))
                           .values(started_at=clock.started_at - shift, warn_at=clock.warn_at - shift,
                                   due_at=clock.due_at - shift))
        return float(clock.due_at - shift)
    due_at = in_store(stack, move_back)

    expect(page.locator("#flash")).to_contain_text("SLA warning: ", timeout=PUSHED)
    expect(page.locator("#flash")).to_contain_text("first response is due in")
    expect(badge).to_contain_text("SLA warning: first response")
    expect(badge).to_have_class("sla sla-warning")
    warned = httpx.get(f"{handoff}/escalations/{card['id']}", headers=maya, timeout=30).json()["sla"]
    assert (warned["status"], warned["target"]) == ("warning", "first_response")
    assert 0 < warned["seconds_left"] <= 181 and time.time() < due_at  # before the breach

    # Maya answers (the first response met), then snoozes it until the customer replies.
    assert httpx.post(f"{handoff}/escalations/{card['id']}/claim", headers=maya, timeout=30).status_code == 200
    answer = "Hi, Maya here. I have asked the warehouse; I will write again when they answer."
    assert httpx.post(f"{handoff}/escalations/{card['id']}/messages", json={"text": answer}, headers=maya,
                      timeout=30).status_code == 201
    fake_providers.wait_for("telegram", person.agent_recipient, answer)
    snoozed = httpx.put(f"{handoff}/escalations/{card['id']}/snooze", json={}, headers=maya, timeout=30)
    assert snoozed.status_code == 200, snoozed.text
    page.locator('#queue-views button[data-view="mine"]').click()
    expect(listed).to_contain_text("snoozed", timeout=PUSHED)

    # "thanks!" on Telegram: counted as a quiet reply, still asleep.
    assert person.post(stack, "thanks!").status_code < 300
    expect(listed).to_contain_text("1 quiet reply", timeout=PUSHED)
    detail = httpx.get(f"{handoff}/escalations/{card['id']}", headers=maya, timeout=30).json()
    assert detail["snooze"] is not None and detail["snooze"]["quiet_replies"] == 1

    # A real question wakes it, pushed to Maya's console; it is hers again, awake.
    assert person.post(stack, "it still hasn't arrived, can you check where it is?").status_code < 300
    expect(page.locator("#flash")).to_contain_text(
        f"Snoozed conversation {card['id']} needs you again (the customer wrote)", timeout=PUSHED)
    expect(listed).not_to_contain_text("snoozed")
    woken = httpx.get(f"{handoff}/escalations/{card['id']}", headers=maya, timeout=30).json()
    assert (woken["snooze"], woken["state"], woken["agent"]) == (None, "accepted", "maya")
    resolve(stack, maya, card["id"])
    assert errors == []
    page.context.close()


def expected_check_back(stack: Stack, now: datetime) -> datetime:
    """Decision 0221's rule for LK-100236 (USPS, 60 days from the first scan after the label),
    worked out here from the order backend: five days before the deadline at 17:00 UTC."""
    order = DemoStore(Path(stack.settings.var_dir) / "orders.db").get_order("LK-100236")
    assert order is not None
    [shipment] = order.shipments
    assert shipment.carrier == "USPS"
    taken = min(event.time for event in shipment.events if event.status != "label_created")
    day = max(taken + timedelta(days=60 - 5), now + timedelta(days=1)).astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def test_the_bots_lost_parcel_follow_up_comes_due_and_the_answer_reaches_telegram(
        stack: Stack, fake_providers: FakeProviders, chromium: Browser) -> None:
    handoff = stack.url("handoff")
    sam = login(stack, "sam")
    person = customer("telegram", fake_providers)
    page, errors = console(chromium, stack, "sam")

    assert person.post(stack, "where's my backpack? order LK-100236").status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "email")
    assert person.post(stack, "ava.j@example.com").status_code < 300
    said = fake_providers.wait_for("telegram", person.recipient, "write to you here by")
    [told] = [text for text in said if "write to you here by" in text]
    due = expected_check_back(stack, datetime.now(UTC))
    assert told.startswith("Our team will check on the investigation with USPS and write to you here by ")
    assert f"{due.day} {due:%B} at 17:00 UTC" in told

    # The bot's promise is one task for the delivery team, due when the customer was told.
    card = escalation_of(stack, sam, person.sender_id)
    assert (card["reason"], card["team"]) == ("lost_parcel", "delivery")
    tasks = poll(lambda: httpx.get(f"{handoff}/escalations/{card['id']}/tasks", headers=sam, timeout=30).json(),
                 "the bot's task")
    [task] = tasks
    assert (task["created_by"], task["team"], task["agent"], task["state"]) == ("bot", "delivery", None, "open")
    assert task["due_at"] == due.timestamp() and task["promise"] == told
    assert task["note"].startswith(
        "Lost parcel of LK-100236: check the investigation with USPS; the claim deadline is ")
    shown = page.locator(f'#tasks-list [data-task-id="{task["id"]}"]')
    expect(shown).to_contain_text("Lost parcel of LK-100236", timeout=PUSHED)

    # The clock: the task's due time is now; the service's own loop reminds the team once.
    moved = in_store(stack, lambda c: c.execute(update(TaskRow).where(TaskRow.id == task["id"],
                                                                           TaskRow.state == "open")
                                                    .values(due_at=time.time() - 1)).rowcount)
    assert moved == 1
    expect(page.locator("#flash")).to_contain_text(
        "Follow-up due: Lost parcel of LK-100236: check the investigation with USPS", timeout=PUSHED)
    expect(shown).to_contain_text("due now")
    shown.locator("button.card-button").click()  # the reminder opens its conversation
    expect(page.locator("#transcript")).to_contain_text("write to you here by", timeout=PUSHED)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "console-bot-follow-up-due.png"))
    reminded = in_store(stack, lambda c: c.execute(select(TaskRow.state, TaskRow.reminded_at)
                                                       .where(TaskRow.id == task["id"])).one())
    assert reminded.state == "due" and reminded.reminded_at is not None

    # Sam takes the conversation and writes: it reaches the customer on Telegram.
    assert httpx.post(f"{handoff}/escalations/{card['id']}/claim", headers=sam, timeout=30).status_code == 200
    reach = httpx.get(f"{handoff}/escalations/{card['id']}/reach", headers=sam, timeout=30).json()
    assert (reach["channel"], reach["open"], reach["this_conversation"]) == ("telegram", True, True)
    update_text = "Hi, Sam here. USPS found your backpack in Indianapolis; it is on its way again."
    sent = httpx.post(f"{handoff}/escalations/{card['id']}/messages", json={"text": update_text}, headers=sam,
                      timeout=30)
    assert sent.status_code == 201, sent.text
    fake_providers.wait_for("telegram", person.agent_recipient, update_text)
    assert httpx.post(f"{handoff}/tasks/{task['id']}/done", headers=sam, timeout=30).json()["state"] == "done"
    expect(shown).to_have_count(0, timeout=PUSHED)
    resolve(stack, sam, card["id"])
    assert errors == []
    page.context.close()


@contextmanager
def second_replica(stack: Stack) -> Iterator[Stack]:
    """Another handoff process from its Procfile line, as `./baton run --replicas 2` adds one: the
    same store, Redis, consumer group and secrets, its own port, consumer name and log."""
    replica = copy.copy(stack)
    replica.settings = dataclasses.replace(stack.settings, handoff_port=free_port())
    replica.env = {**stack.env, "HANDOFF_PORT": str(replica.settings.handoff_port),
                   "HANDOFF_CONSUMER_NAME": "follow-through-second-replica"}
    replica.procs = {}
    replica.logs = stack.logs / "follow-through-replica"
    replica.logs.mkdir(parents=True, exist_ok=True)
    try:
        replica.start("handoff", timeout=120)
        yield replica
    finally:
        replica.stop_all()


def test_timers_fire_once_with_two_processes_and_not_again_after_a_start(
        stack: Stack, fake_providers: FakeProviders, chromium: Browser) -> None:
    page, errors = console(chromium, stack, "maya")
    pushed: list[dict[str, Any]] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: pushed.append(as_push(frame))))
    page.reload()  # the console's socket opened before the listener: open it again, listened to
    expect(page.locator("#live-state")).to_have_text("live", timeout=PUSHED)

    def fired(task_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        page.wait_for_timeout(200)  # lets Playwright deliver the frames received meanwhile
        reminders = [p for p in pushed if p["type"] == "task.due" and p["data"].get("id") == task_id]
        woken = [p for p in pushed if p["type"] == "escalation.reopened" and p["data"].get("id") == card["id"]]
        return reminders, woken

    def follow_up_and_snooze(base: str, headers: dict[str, str], due: float) -> int:
        """A task of Maya's and a snooze of the conversation, both due at `due` (the test's clock)."""
        task = httpx.post(f"{base}/escalations/{card['id']}/tasks", json={"due_at": due, "note": "ask the warehouse"},
                          headers=headers, timeout=30)
        assert task.status_code == 201, task.text
        snoozed = httpx.put(f"{base}/escalations/{card['id']}/snooze", json={"until": due}, headers=headers,
                            timeout=30)
        assert snoozed.status_code == 200, snoozed.text
        return int(task.json()["id"])

    maya = login(stack, "maya")
    person = customer("telegram", fake_providers)
    assert person.post(stack, "I want to talk to a real person").status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "support team")
    card = escalation_of(stack, maya, person.sender_id)
    assert httpx.post(f"{stack.url('handoff')}/escalations/{card['id']}/claim", headers=maya,
                      timeout=30).status_code == 200
    # Due while one process runs; a second starts meanwhile (as a restarted one does) on the
    # same store, and must not fire them again.
    first = follow_up_and_snooze(stack.url("handoff"), maya, time.time() + 1.5)
    with second_replica(stack) as replica:
        poll(lambda: all(fired(first)), "the first reminder and snooze")
        # Due while both run: still once each. Through the second process this time.
        second = follow_up_and_snooze(replica.url("handoff"), login(replica, "maya"), time.time() + 3)
        poll(lambda: fired(second)[0] and len(fired(second)[1]) == 2, "the second reminder and snooze")
        time.sleep(check_seconds(stack) + 1)  # a full round of every timer on both processes
        assert [len(fired(task)[0]) for task in (first, second)] == [1, 1]
        woken = fired(second)[1]
        assert [w["data"]["woken_by"] for w in woken] == ["time", "time"], woken
    reminded = in_store(stack, lambda c: c.execute(select(TaskRow.state).where(TaskRow.id.in_([first, second]))
                                                       ).scalars().all())
    assert reminded == ["due", "due"]
    for task in (first, second):  # done, so that they are not escalated as overdue in a later test
        assert httpx.post(f"{stack.url('handoff')}/tasks/{task}/done", headers=maya, timeout=30).status_code == 200
    resolve(stack, maya, card["id"])
    assert errors == []
    page.context.close()


def as_push(frame: str | bytes) -> dict[str, Any]:
    """A console socket's frame as {"type", "data"} (anything else as an empty push)."""
    try:
        message = json.loads(frame)
    except ValueError:
        return {"type": None, "data": {}}
    if not isinstance(message, dict) or not isinstance(message.get("data"), dict):
        return {"type": None, "data": {}}
    return message


def check_seconds(stack: Stack) -> float:
    """How often the stack's handoff processes look for due tasks and snoozes."""
    from handoff.settings import HandoffSettings

    fields = HandoffSettings.model_fields
    return max(float(stack.env.get(variable) or fields[name].default) for name, variable in (
        ("task_check_seconds", "HANDOFF_TASK_CHECK_SECONDS"), ("snooze_check_seconds", "HANDOFF_SNOOZE_CHECK_SECONDS")))
