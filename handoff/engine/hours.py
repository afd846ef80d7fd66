"""Support hours with people (the handbook's "Support hours"), in the shop's timezone.

The spec is one line, so an operator changes it in the environment without touching code:
`Mon-Fri 08:00-20:00; Sat 09:00-17:00` (days Mon..Sun, ranges or single days, 24-hour times, 24:00 for midnight;
a day not listed is closed). Every question takes the moment to ask about, so tests (and the
availability check) inject the clock instead of reading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PART = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Window:
    first_day: int  # 0 = Monday
    last_day: int
    opens: time
    closes: time

    def covers(self, weekday: int) -> bool:
        return self.first_day <= weekday <= self.last_day


def _clock(value: time) -> str:
    if value == time.max:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"


def _time(hour: int, minute: int) -> time:
    # "24:00" is the end of the day, so "00:00-24:00" is the whole day.
    return time.max if (hour, minute) == (24, 0) else time(hour, minute)


def _day(name: str, spec: str) -> int:
    try:
        return DAYS.index(name.lower())
    except ValueError:
        raise ValueError(f"unknown day {name!r} in support hours {spec!r}; use Mon, Tue, ... Sun") from None


class BusinessHours:
    def __init__(self, windows: list[Window], timezone: ZoneInfo) -> None:
        self.windows = windows
        self.timezone = timezone

    @classmethod
    def parse(cls, spec: str, timezone: str) -> BusinessHours:
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {timezone!r}; use an IANA name such as America/New_York") from None
        windows = []
        for part in filter(str.strip, spec.split(";")):
            match = _PART.match(part)
            if not match:
                raise ValueError(f"cannot read {part.strip()!r} in support hours; expected e.g. 'Mon-Fri 08:00-20:00'")
            first, last, oh, om, ch, cm = match.groups()
            first_day = _day(first, spec)
            last_day = _day(last, spec) if last else first_day
            try:
                opens, closes = _time(int(oh), int(om)), _time(int(ch), int(cm))
            except ValueError:
                raise ValueError(f"{part.strip()!r} in support hours has a time that does not exist") from None
            if last_day < first_day or closes <= opens:
                raise ValueError(f"{part.strip()!r} in support hours is an empty range")
            windows.append(Window(first_day, last_day, opens, closes))
        return cls(windows, zone)

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("pass an aware datetime: support hours are in a named timezone")
        return at.astimezone(self.timezone)

    def is_open(self, at: datetime) -> bool:
        local = self._local(at)
        return any(w.covers(local.weekday()) and w.opens <= local.time() < w.closes for w in self.windows)

    def next_opening(self, at: datetime) -> datetime | None:
        """When people are next at work, strictly after `at` if closed now; None if never."""
        local = self._local(at)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for window in sorted(self.windows, key=lambda w: w.opens):
                if not window.covers(day.weekday()):
                    continue
                opening = datetime.combine(day, window.opens, tzinfo=self.timezone)
                if opening > local:
                    return opening
        return None

    def describe(self) -> str:
        """The hours as a customer reads them: 'Monday to Friday 8 am to 8 pm, Saturday 9 am to 5 pm'."""
        parts = []
        for w in self.windows:
            days = DAY_NAMES[w.first_day] if w.first_day == w.last_day else (
                f"{DAY_NAMES[w.first_day]} to {DAY_NAMES[w.last_day]}")
            parts.append(f"{days} {_clock(w.opens)} to {_clock(w.closes)}")
        return ", ".join(parts)

    def describe_moment(self, moment: datetime, now: datetime) -> str:
        """'today at 8 am', 'tomorrow at 9 am' or 'Monday at 8 am', in the shop's timezone."""
        local, today = self._local(moment), self._local(now).date()
        if local.date() == today:
            day = "today"
        elif local.date() == today + timedelta(days=1):
            day = "tomorrow"
        else:
            day = DAY_NAMES[local.weekday()]
        return f"{day} at {_clock(local.time())}"
