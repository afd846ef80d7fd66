"""Event counts over a period from the daily rollup (handoff/store/rollup.py, decision 0230): the
whole UTC days inside the period from the rollup, the part-days at its ends (a period ending now,
one starting at noon) from the events, added up. The same numbers as counting the events alone;
tests/handoff/insight/test_daily.py compares the two on both databases."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from handoff.insight.period import Period, within
from handoff.store import rollup
from handoff.store.models import ReportingDailyRow as Daily
from handoff.store.models import ReportingEventRow as Event

# The columns a report may group on, in the rollup and in the events (the label is the detail).
COLUMNS = {"kind": (Daily.kind, Event.kind), "channel": (Daily.channel, Event.channel),
           "team": (Daily.team, Event.team), "actor": (Daily.actor, Event.actor),
           "reason": (Daily.reason, Event.reason), "label": (Daily.label, Event.detail)}


def split(period: Period) -> tuple[tuple[int, int] | None, list[Period]]:
    """The whole days in the period (first, end) for the rollup, and the parts of the period
    outside them for the events."""
    first = rollup.day_number(period.since)
    if first * rollup.DAY < period.since:
        first += 1
    end = rollup.day_number(period.until)
    first, end = max(first, rollup.FIRST_DAY), min(end, rollup.END_DAY)
    if first >= end:
        return None, [period]
    edges = []
    if period.since < first * rollup.DAY:
        edges.append(dataclasses.replace(period, until=first * rollup.DAY))
    if end * rollup.DAY < period.until:
        edges.append(dataclasses.replace(period, since=end * rollup.DAY))
    return (first, end), edges


def counts(session: Session, period: Period, kinds: Sequence[str], group: Sequence[str], *,
           by_team: bool) -> list[tuple[Any, ...]]:
    """How many events of `kinds` (rolled-up kinds only) the period has per `group` (names in
    COLUMNS): rows of the group's values and the count, as a GROUP BY over the events returns."""
    if not set(kinds) <= rollup.ROLLED:
        raise ValueError(f"not counted in the rollup: {sorted(set(kinds) - rollup.ROLLED)}")
    if "label" in group and not set(kinds) <= rollup.LABELLED:
        raise ValueError(f"no label in the rollup: {sorted(set(kinds) - rollup.LABELLED)}")
    days, edges = split(period)
    totals: dict[tuple[Any, ...], int] = {}
    if days is not None:
        columns = [COLUMNS[name][0] for name in group]
        query = select(*columns, func.sum(Daily.events)).where(
            Daily.kind.in_(kinds), Daily.day >= days[0], Daily.day < days[1])
        if period.channel is not None:
            query = query.where(Daily.channel == period.channel)
        if by_team and period.teams is not None:
            query = query.where(Daily.team.in_(period.teams))
        for *values, n in session.execute(query.group_by(*columns)):
            totals[tuple(values)] = totals.get(tuple(values), 0) + int(n)
    for edge in edges:
        columns = [COLUMNS[name][1] for name in group]
        # What the rollup leaves out, left out here too: a vote with a visitor id.
        query = within(select(*columns, func.count()).where(
            Event.kind.in_(kinds), or_(Event.kind != "help_vote", Event.customer.is_(None))), edge, by_team=by_team)
        for *values, n in session.execute(query.group_by(*columns)):
            totals[tuple(values)] = totals.get(tuple(values), 0) + int(n)
    return [(*values, n) for values, n in totals.items()]
