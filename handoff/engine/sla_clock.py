"""Business time: the seconds of support hours between two moments, and the moment a span of
support-hours seconds runs out, for the SLA targets (handoff/escalations/sla_policy.py).

Counted over the handbook's hours (BusinessHours, the shop's timezone): a one-hour target set at
7:30 pm on a Friday, with hours Mon-Fri 8 am-8 pm and Sat 9 am-5 pm, runs out at 9:30 am on
Saturday. The open spans of each local day are turned into Unix seconds before any arithmetic, so
a day that is 23 or 25 hours long (daylight saving) counts the hours people actually work.
Moments are Unix seconds, as everywhere in the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from handoff.engine.hours import BusinessHours

# How far ahead a target may run out: beyond this (hours so sparse that a target never fits) a
# clock has no due time rather than a loop without end.
MAX_DAYS = 400


class BusinessClock:
    def __init__(self, hours: BusinessHours) -> None:
        self.hours = hours

    def _day_spans(self, day: date) -> list[tuple[float, float]]:
        """The open spans of one local day, merged where windows overlap, in Unix seconds."""
        zone = self.hours.timezone
        spans: list[tuple[float, float]] = []
        for window in sorted((w for w in self.hours.windows if w.covers(day.weekday())), key=lambda w: w.opens):
            opens = datetime.combine(day, window.opens, tzinfo=zone).timestamp()
            closes = (datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone) if window.closes == time.max
                      else datetime.combine(day, window.closes, tzinfo=zone)).timestamp()
            if spans and opens <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], closes))
            else:
                spans.append((opens, closes))
        return spans

    def _spans_from(self, moment: float) -> Iterator[tuple[float, float]]:
        """Open spans that end after `moment`, in order, cut to begin no earlier than it."""
        first = datetime.fromtimestamp(moment, self.hours.timezone).date()
        for offset in range(MAX_DAYS):
            for opens, closes in self._day_spans(first + timedelta(days=offset)):
                if closes > moment:
                    yield max(opens, moment), closes

    def seconds_between(self, start: float, end: float) -> float:
        """Seconds of support hours in [start, end); 0 when end is not after start."""
        total = 0.0
        if end <= start:
            return total
        for opens, closes in self._spans_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total

    def add(self, start: float, seconds: float) -> float | None:
        """The moment `seconds` of support hours after `start` have passed; None when the hours
        never hold that many within MAX_DAYS (or there are no hours at all)."""
        if seconds <= 0:
            return start
        left = seconds
        for opens, closes in self._spans_from(start):
            if closes - opens >= left:
                return opens + left
            left -= closes - opens
        return None

    def left(self, now: float, due: float) -> float:
        """Support-hours seconds from now until `due`; negative, counted the same way, once past it."""
        return self.seconds_between(now, due) if due >= now else -self.seconds_between(due, now)
