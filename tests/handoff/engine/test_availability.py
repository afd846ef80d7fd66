"""Who can take a conversation: support hours and agents online (real presence in Redis), the
wait from the real queue, and what the customer is told in each case."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handoff.engine import messages
from handoff.engine.availability import AvailabilityCheck, expected_wait
from handoff.engine.hours import BusinessHours
from handoff.services import queue_length_of
from tests.handoff.engine.conftest import Services, agent

EASTERN = ZoneInfo("America/New_York")
TUESDAY_NOON = datetime(2026, 11, 24, 12, 0, tzinfo=EASTERN)
SUNDAY_NOON = datetime(2026, 11, 29, 12, 0, tzinfo=EASTERN)
HOURS = BusinessHours.parse("Mon-Fri 08:00-20:00; Sat 09:00-17:00", "America/New_York")


def check(services: Services, now: datetime) -> AvailabilityCheck:
    return AvailabilityCheck(services.presence, HOURS, queue_length_of(services.escalations), 6 * 60, lambda: now)


async def queue(services: Services, team: str, count: int) -> None:
    for n in range(count):
        await services.escalations.open(sender_id=f"waiting-{team}-{n}", channel="rest", reason="frustration",
                                        team=team, frustration=0.5, packet={"summary_line": "waiting"})


async def test_an_online_agent_of_the_team_during_hours(services: Services) -> None:
    await services.presence.set(agent("sam", ("delivery", "general")), "online")
    result = await check(services, TUESDAY_NOON).check("delivery")
    assert result.available and result.agents_online == ["sam"]
    assert result.queue_ahead == 0 and result.expected_wait_seconds == 60
    text = messages.joining(result)
    assert "delivery team" in text and "next in line" in text and "about a minute" in text


async def test_the_wait_grows_with_the_teams_queue_only(services: Services) -> None:
    await services.presence.set(agent("sam", ("delivery",)), "online")
    await queue(services, "delivery", 3)
    await queue(services, "returns", 2)  # another team's queue does not delay this customer
    result = await check(services, TUESDAY_NOON).check("delivery")
    assert result.queue_ahead == 3
    assert result.expected_wait_seconds == 3 * 6 * 60
    assert "There are 3 customers ahead of you" in messages.joining(result)
    assert "about 18 minutes" in messages.joining(result)


async def test_agents_of_another_team_or_away_do_not_count(services: Services) -> None:
    await services.presence.set(agent("maya", ("returns", "general"), 1), "online")
    await services.presence.set(agent("sam", ("delivery",), 2), "away")
    result = await check(services, TUESDAY_NOON).check("delivery")
    assert result.open_now and not result.available and result.expected_wait_seconds is None
    text = messages.unavailable(result, HOURS, "Eastern time", TUESDAY_NOON, known_email=None)
    assert "nobody from our support team is free" in text
    assert "Monday to Friday 8 am to 8 pm, Saturday 9 am to 5 pm (Eastern time)" in text
    assert "type your email address" in text


async def test_outside_hours_nobody_is_offered_even_if_online(services: Services) -> None:
    await services.presence.set(agent("sam", ("delivery",)), "online")
    result = await check(services, SUNDAY_NOON).check("delivery")
    assert not result.open_now and not result.available
    assert result.next_opening == datetime(2026, 11, 30, 8, 0, tzinfo=EASTERN)
    text = messages.unavailable(result, HOURS, "Eastern time", SUNDAY_NOON, known_email="omar.h@example.com")
    assert "away right now" in text and "back tomorrow at 8 am" in text
    assert "email you at omar.h@example.com" in text
    assert messages.email_buttons("omar.h@example.com") and messages.email_buttons(None) is None


def test_expected_wait_arithmetic() -> None:
    assert expected_wait(0, 2, 360) == 60  # never "0 minutes": at least a minute
    assert expected_wait(4, 2, 360) == 720
    with pytest.raises(ValueError):
        expected_wait(1, 0, 360)
