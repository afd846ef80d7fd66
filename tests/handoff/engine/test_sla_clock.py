"""Business time for the SLA targets, over the handbook's hours (Mon-Fri 8 am-8 pm, Sat 9 am-5 pm,
Eastern) and at their edges: a target that spans a night, a weekend, a daylight-saving change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handoff.engine.hours import BusinessHours
from handoff.engine.sla_clock import BusinessClock
from handoff.settings import HandoffSettings

EASTERN = ZoneInfo("America/New_York")
HOUR = 3600.0


@pytest.fixture
def clock() -> BusinessClock:
    defaults = HandoffSettings()
    return BusinessClock(BusinessHours.parse(defaults.support_hours, defaults.support_timezone))


def at(m: int, d: int, hh: int, mm: int = 0) -> float:
    """A moment of 2026, Eastern time (Dec 4 2026 is a Friday)."""
    return datetime(2026, m, d, hh, mm, tzinfo=EASTERN).timestamp()


@pytest.mark.parametrize(("start", "seconds", "due"), [
    (at(12, 1, 10), 0.5 * HOUR, at(12, 1, 10, 30)),        # Tuesday, inside the day
    (at(12, 1, 3), 0.25 * HOUR, at(12, 1, 8, 15)),         # before opening: counts from 8 am
    (at(12, 1, 19, 30), HOUR, at(12, 2, 8, 30)),           # across a night
    (at(12, 4, 19, 30), HOUR, at(12, 5, 9, 30)),           # Friday evening to Saturday morning
    (at(12, 5, 16, 30), HOUR, at(12, 7, 8, 30)),           # Saturday afternoon, over Sunday, to Monday
    (at(12, 5, 18), 2 * HOUR, at(12, 7, 10)),              # after Saturday's close: Sunday is closed
    (at(12, 4, 8), 12 * HOUR, at(12, 4, 20)),              # exactly a whole day: due at the close
    (at(12, 4, 8), 24 * HOUR, at(12, 7, 12)),              # two days' worth over a weekend: 12 + 8 + 4
    (at(12, 1, 10), 0.0, at(12, 1, 10)),
])
def test_a_target_runs_out_in_support_hours(clock: BusinessClock, start: float, seconds: float, due: float) -> None:
    assert clock.add(start, seconds) == due
    assert clock.seconds_between(start, due) == pytest.approx(seconds)


def test_time_between_counts_only_open_hours_and_is_negative_once_past(clock: BusinessClock) -> None:
    assert clock.seconds_between(at(12, 4, 19), at(12, 7, 9)) == 10 * HOUR  # Fri 1 h, Sat 8 h, Mon 1 h
    assert clock.seconds_between(at(12, 6, 1), at(12, 6, 23)) == 0          # all of Sunday
    assert clock.seconds_between(at(12, 7, 9), at(12, 4, 19)) == 0
    assert clock.left(at(12, 4, 19), at(12, 7, 9)) == 10 * HOUR
    assert clock.left(at(12, 7, 9), at(12, 4, 19)) == -10 * HOUR
    assert clock.left(at(12, 6, 12), at(12, 7, 8)) == 0  # nothing of it in working hours: no time at all left


def test_a_day_with_a_daylight_saving_change_counts_the_hours_worked() -> None:
    every_hour = BusinessClock(BusinessHours.parse("Mon-Sun 00:00-24:00", "America/New_York"))
    # 8 March 2026 is 23 hours long in New York: 24 hours from Saturday noon end at 1 pm on Sunday.
    assert every_hour.add(datetime(2026, 3, 7, 12, tzinfo=EASTERN).timestamp(), 24 * HOUR) == \
        datetime(2026, 3, 8, 13, tzinfo=EASTERN).timestamp()
    assert every_hour.seconds_between(datetime(2026, 3, 8, 0, tzinfo=EASTERN).timestamp(),
                                      datetime(2026, 3, 9, 0, tzinfo=EASTERN).timestamp()) == 23 * HOUR


def test_overlapping_windows_count_once_and_no_hours_means_no_due_time() -> None:
    overlapping = BusinessClock(BusinessHours.parse("Mon 08:00-12:00; Mon 10:00-14:00", "America/New_York"))
    assert overlapping.seconds_between(at(12, 7, 7), at(12, 7, 15)) == 6 * HOUR
    assert overlapping.add(at(12, 7, 7), 7 * HOUR) == at(12, 14, 9)  # a week later, the hour after opening
    assert BusinessClock(BusinessHours.parse("", "America/New_York")).add(at(12, 7, 7), HOUR) is None
