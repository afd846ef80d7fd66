"""What the customer is told when an agent sets a follow-up: who, what, and by when, in the
shop's timezone, in plain words."""

from __future__ import annotations

from datetime import UTC, datetime

from handoff.engine.hours import BusinessHours
from handoff.escalations.followup_tasks import promise_message

HOURS = BusinessHours.parse("Mon-Fri 08:00-20:00; Sat 09:00-17:00", "America/New_York")
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # Friday 10 am in New York


def test_the_promise_names_the_agent_the_action_and_the_day() -> None:
    due = datetime(2026, 12, 8, 22, 0, tzinfo=UTC)  # Tuesday 5 pm in New York
    assert promise_message("Maya", "check with the carrier.", due, NOW, HOURS, "Eastern time") == (
        "Maya will check with the carrier and write to you here by Tuesday at 5 pm (Eastern time).")


def test_without_an_action_it_says_when_they_will_write() -> None:
    due = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)  # Saturday 9:30 am in New York
    assert promise_message("Sam", "  ", due, NOW, HOURS, "Eastern time") == (
        "Sam will write to you here by tomorrow at 9:30 am (Eastern time).")
