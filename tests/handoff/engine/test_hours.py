"""Support hours from the handbook, read in the shop's timezone, with the clock injected."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handoff.engine.hours import BusinessHours
from handoff.settings import HandoffSettings

EASTERN = ZoneInfo("America/New_York")


@pytest.fixture
def hours() -> BusinessHours:
    defaults = HandoffSettings()
    return BusinessHours.parse(defaults.support_hours, defaults.support_timezone)


def eastern(y: int, m: int, d: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=EASTERN)


def test_defaults_are_the_handbooks_hours(hours: BusinessHours) -> None:
    assert hours.describe() == "Monday to Friday 8 am to 8 pm, Saturday 9 am to 5 pm"


@pytest.mark.parametrize(("moment", "open_now"), [
    (eastern(2026, 11, 23, 7, 59), False),   # Monday before opening
    (eastern(2026, 11, 23, 8, 0), True),     # Monday at opening
    (eastern(2026, 11, 27, 19, 59), True),   # Friday evening
    (eastern(2026, 11, 27, 20, 0), False),   # Friday at closing
    (eastern(2026, 11, 28, 12, 0), True),    # Saturday noon
    (eastern(2026, 11, 28, 17, 30), False),  # Saturday after 5 pm
    (eastern(2026, 11, 29, 12, 0), False),   # Sunday
])
def test_open_or_closed(hours: BusinessHours, moment: datetime, open_now: bool) -> None:
    assert hours.is_open(moment) is open_now


def test_the_question_is_asked_in_the_shops_timezone(hours: BusinessHours) -> None:
    # 13:30 UTC on a Monday in winter is 8:30 am in New York: open; 12:30 UTC is 7:30 am: closed.
    assert hours.is_open(datetime(2026, 11, 23, 13, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 11, 23, 12, 30, tzinfo=UTC))


def test_next_opening_after_closing_time(hours: BusinessHours) -> None:
    saturday_evening = eastern(2026, 11, 28, 18, 0)
    opening = hours.next_opening(saturday_evening)
    assert opening == eastern(2026, 11, 30, 8, 0)  # Monday 8 am: Sunday is closed
    assert hours.describe_moment(opening, saturday_evening) == "Monday at 8 am"
    friday_night = eastern(2026, 11, 27, 21, 0)
    assert hours.describe_moment(hours.next_opening(friday_night), friday_night) == "tomorrow at 9 am"
    early = eastern(2026, 11, 24, 6, 0)
    assert hours.describe_moment(hours.next_opening(early), early) == "today at 8 am"


def test_naive_datetimes_are_refused(hours: BusinessHours) -> None:
    with pytest.raises(ValueError, match="aware"):
        hours.is_open(datetime(2026, 11, 23, 9, 0))


def test_a_whole_day_ends_at_midnight() -> None:
    always = BusinessHours.parse("Mon-Sun 00:00-24:00", "America/New_York")
    assert always.is_open(eastern(2026, 11, 29, 23, 59, 59)) and always.is_open(eastern(2026, 11, 29, 0, 0))
    assert always.describe() == "Monday to Sunday 12 am to midnight"


@pytest.mark.parametrize(("spec", "zone", "message"), [
    ("Mon 08:00-25:00", "America/New_York", "does not exist"),
    ("Mon-Fri 8-20", "America/New_York", "cannot read"),
    ("Mon-Fry 08:00-20:00", "America/New_York", "unknown day"),
    ("Mon-Fri 20:00-08:00", "America/New_York", "empty range"),
    ("Mon-Fri 08:00-20:00", "Mars/Olympus", "unknown timezone"),
])
def test_bad_configuration_is_a_clear_error(spec: str, zone: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessHours.parse(spec, zone)
