"""A queued customer who writes again: the rate limit (real Redis), their place in line (the real
queue and store) and what they are told. The reminder reaching the customer through Rasa is
covered end to end in tests/e2e/test_handoff.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from handoff.engine import messages
from handoff.engine.availability import Availability
from handoff.engine.hours import BusinessHours
from handoff.engine.waiting import WaitingReminders
from tests.handoff.engine.conftest import PREFIX, Services

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10 am in New York
HOURS = BusinessHours.parse("Mon-Fri 08:00-20:00", "America/New_York")


async def test_a_reminder_is_due_at_most_once_per_interval(services: Services) -> None:
    reminders = WaitingReminders(services.redis, PREFIX, interval_seconds=0.4)
    await reminders.told("queued")  # the message that queued them said it all
    assert not await reminders.due("queued")
    await asyncio.sleep(0.5)
    assert await reminders.due("queued")
    assert not await reminders.due("queued")  # however much they write meanwhile
    assert await reminders.due("someone-else")  # per conversation
    await asyncio.sleep(0.5)
    assert await reminders.due("queued")


async def test_place_in_line_is_by_priority_within_the_team(services: Services) -> None:
    async def open_one(sender: str, team: str, frustration: float):
        return await services.escalations.open(sender_id=sender, channel="rest", reason="explicit_request",
                                               team=team, frustration=frustration, packet={"summary_line": "x"})

    calm = await open_one("calm", "delivery", 0.1)
    angry = await open_one("angry", "delivery", 0.9)  # later, but more frustrated: served first
    other_team = await open_one("returner", "returns", 0.95)
    middle = await open_one("middle", "delivery", 0.5)
    ahead = services.escalations.ahead_of
    assert [await ahead(e) for e in (angry, middle, calm)] == [0, 1, 2]
    assert await ahead(other_team) == 0  # another team's queue is not in the way


def test_the_reminder_says_where_the_customer_stands() -> None:
    waiting = Availability(team="delivery", open_now=True, agents_online=["sam"], queue_ahead=2,
                           expected_wait_seconds=720, next_opening=None, checked_at=NOW)
    text = messages.still_waiting(waiting, HOURS, NOW)
    assert text.startswith("You're still in line for our delivery team")
    assert "There are 2 customers ahead of you; the expected wait is now about 12 minutes." in text
    assert "passed on" in text
    assert "next in line" in messages.still_waiting(
        Availability("general", True, ["sam"], 0, 60, None, NOW), HOURS, NOW)


def test_with_nobody_free_the_reminder_says_so_and_when_they_are_back() -> None:
    evening = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Wednesday 9 pm in New York: closed
    closed = Availability(team="returns", open_now=False, agents_online=[], queue_ahead=0,
                          expected_wait_seconds=None, next_opening=HOURS.next_opening(evening), checked_at=evening)
    text = messages.still_waiting(closed, HOURS, evening)
    assert "still in our returns team's queue, but nobody is free to chat right now" in text
    assert "They are back" in text and "8" in text
    assert "expected wait" not in text
    assert "reply in this chat" in text
    emailed = messages.still_waiting(closed, HOURS, evening, follow_up_email="jo@example.com")
    assert "email you at jo@example.com or reply in this chat" in emailed
