"""Containment: the conversations the bot resolved with no person, durable containment (the
customer did not come back within 7 days to be given the same article again), the conversations
that could never be handed over (asked for a person, nobody could take it) counted apart, and the
trend per day."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import (
    Float,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from handoff.insight.period import DAY, RETURN_WINDOW, Period, day_of, kind_is, rate, roomy, within
from handoff.store.models import ReportingConversationRow as Row
from handoff.store.models import ReportingEventRow as Event


def senders(kind: str, period: Period) -> Select[Any]:
    """The conversations with an event of `kind` in the period (the bot's view: every team)."""
    return within(select(Event.sender_id).where(Event.kind == kind, Event.sender_id.is_not(None)), period,
                  by_team=False)


def _flag(kind: str) -> Any:
    return func.max(case((Event.kind == kind, 1), else_=0)).label(kind)


FLAGS = ("conversation_started", "handover_asked", "claimed", "unstaffed")
FEW = 1000  # conversations read from their events named in the SQL (beyond, a subquery)


def _at(value: float) -> Any:
    """A period's bound written into the SQL: psycopg prepares a statement run five times, and
    PostgreSQL's generic plan, blind to the bounds, reads every event of the period to find the
    few conversations read from their events (400 ms at 30 days, measured)."""
    return bindparam(None, value, type_=Float, literal_execute=True) if math.isfinite(value) else value


def from_events(period: Period, senders: Select[Any] | list[str]) -> Select[Any]:
    """One row per conversation of the period among `senders`: its first start in the period,
    which of FLAGS it had and whether it came back (1 or 0), grouped from the events."""
    first_start = func.min(case((Event.kind == "conversation_started", Event.at))).label("first_start")
    back = func.max(case((Event.sender_id.in_(came_back(period, senders)), 1), else_=0)).label("came_back")
    query = select(Event.sender_id, first_start, *(_flag(kind) for kind in FLAGS), back).where(
        Event.kind.in_(FLAGS), Event.sender_id.in_(senders), Event.at >= _at(period.since),
        Event.at < _at(period.until))
    if period.channel is not None:
        query = query.where(Event.channel == period.channel)
    return query.group_by(Event.sender_id)


def per_conversation(session: Session, period: Period) -> Any:
    """from_events for the conversations started in the period, read from their rows
    (handoff/store/conversation_flags.py, decision 0260): a kind's events (and the answers it came
    back for) fall in the period when the first or last time does, and none do when both are
    before or both after it. A conversation whose first and last time of a kind lie on both sides
    of the period (or of its start), that came back and started again more than a week after the
    period, or whose events disagree on the channel, is read from its events: a few."""
    since, until = _at(period.since), _at(period.until)

    def had(name: str) -> Any:
        first, last = getattr(Row, f"first_{name}"), getattr(Row, f"last_{name}")
        return case((or_(and_(first >= since, first < until), and_(last >= since, last < until)), 1), else_=0)

    def settled(name: str) -> Any:
        first, last = getattr(Row, f"first_{name}"), getattr(Row, f"last_{name}")
        return or_(first.is_(None), first >= since, last < until)

    # Known from the row: every start at or after the period's start (so the first in the period
    # is the first), and for "came back", its starts before the week after the period ends.
    known = and_(Row.first_start >= since, Row.first_start < until, Row.irregular.is_(false()),
                 *(settled(name) for name in ("asked", "claimed", "unstaffed", "back")),
                 or_(Row.first_back.is_(None), Row.last_start < _at(period.until + RETURN_WINDOW)))
    touching = and_(Row.first_start < until, Row.last_start >= since)  # may have a start in the period
    rows = select(Row.sender_id, Row.first_start.label("first_start"),
                  literal_column("1").label("conversation_started"), had("asked").label("handover_asked"),
                  had("claimed").label("claimed"), had("unstaffed").label("unstaffed"),
                  had("back").label("came_back")).where(known)
    others: Any = select(Row.sender_id).where(touching, not_(known))
    if period.channel is not None:
        rows = rows.where(Row.channel == period.channel)
        others = others.where(or_(Row.channel == period.channel, Row.irregular.is_(true())))
    # Named, when they are a few: the planner cannot tell how few from the conditions above, and
    # would hash every event of the period to find them.
    named = list(session.scalars(others.limit(FEW + 1)))
    if len(named) <= FEW:
        others = named
    return union_all(rows, from_events(period, others)).subquery()


def started_twice() -> Select[Any]:
    """The conversations started more than once ever (their rows): where repeat contacts are
    looked for, a few of all."""
    return select(Row.sender_id).where(Row.starts >= 2)


def came_back(period: Period, senders: Select[Any] | list[str]) -> Select[Any]:
    """Of `senders`, the conversations given an article in the period, then started again within
    7 days and given the same article: the first answer did not settle it. Looked for only among
    the conversations started twice in the period and the week after it."""
    twice = (select(Event.sender_id)
             .where(kind_is(Event, "conversation_started"), Event.at >= _at(period.since),
                    Event.at < _at(period.until + RETURN_WINDOW), Event.sender_id.in_(senders))
             .group_by(Event.sender_id).having(func.count() >= 2))
    first, again, repeat = aliased(Event), aliased(Event), aliased(Event)
    return (select(first.sender_id).distinct()
            .join(again, and_(again.sender_id == first.sender_id, kind_is(again, "conversation_started"),
                              again.at > first.at, again.at <= first.at + RETURN_WINDOW))
            .join(repeat, and_(repeat.sender_id == first.sender_id, repeat.kind == "article_answered",
                               repeat.detail == first.detail, repeat.at >= again.at))
            .where(first.kind == "article_answered", first.at >= _at(period.since), first.at < _at(period.until),
                   first.sender_id.in_(twice)))


def containment(session: Session, period: Period) -> dict[str, Any]:
    roomy(session)
    flags = per_conversation(session, period)
    started = flags.c.conversation_started == 1
    bot_only = and_(started, flags.c.handover_asked == 0)
    # Asked for a person and nobody could ever take it (outside hours, nobody online): not the
    # bot's success, nor a person's work; counted apart.
    never_handed = and_(started, flags.c.unstaffed == 1, flags.c.claimed == 0)
    returned = case((and_(bot_only, flags.c.came_back == 1), 1), else_=0)
    row = session.execute(select(
        func.sum(case((started, 1), else_=0)), func.sum(case((bot_only, 1), else_=0)),
        func.sum(case((never_handed, 1), else_=0)), func.sum(returned)).select_from(flags)).one()
    conversations, kept, unstaffed, back = (int(value or 0) for value in row)
    return {"conversations": conversations, "bot_only": kept, "handed_over": conversations - kept - unstaffed,
            "could_not_hand_over": unstaffed, "rate": rate(kept, conversations),
            "durable": kept - back, "came_back_within_7_days": back,
            "durable_rate": rate(kept - back, conversations)}


def conversations(session: Session, period: Period) -> int:
    """How many conversations started in the period (the denominator of the rates)."""
    query = within(select(func.count(func.distinct(Event.sender_id))).where(kind_is(Event, "conversation_started")),
                   period, by_team=False)
    return int(session.scalar(query) or 0)


def trend(session: Session, period: Period) -> list[dict[str, Any]]:
    """Per UTC day: the conversations started that day (each on the day it first started in the
    period, so the days add up to the containment's total), those the bot kept, and the
    hand-overs asked that day (of the caller's teams)."""
    dialect = session.get_bind().dialect.name
    roomy(session)
    flags = per_conversation(session, period)
    start_day = day_of(dialect, flags.c.first_start).label("day")
    started = (select(start_day, func.count(), func.sum(case((flags.c.handover_asked == 0, 1), else_=0)))
               .where(flags.c.conversation_started == 1).group_by(start_day))
    day = day_of(dialect, Event.at).label("day")
    handovers = within(select(day, func.count()).where(Event.kind == "handover_asked"), period,
                       by_team=True).group_by(day)
    rows: dict[int, dict[str, Any]] = {}

    def row(number: int) -> dict[str, Any]:
        return rows.setdefault(int(number), {"day": int(number) * DAY, "conversations": 0, "bot_only": 0,
                                             "handovers": 0})

    for number, count, kept in session.execute(started):
        row(number).update(conversations=int(count), bot_only=int(kept or 0))
    for number, count in session.execute(handovers):
        row(number)["handovers"] = int(count)
    for entry in rows.values():
        entry["rate"] = rate(entry["bot_only"], entry["conversations"])
    return [rows[number] for number in sorted(rows)]
