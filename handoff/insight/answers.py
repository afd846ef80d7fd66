"""Answers: per article, how often the bot gave it, "Did that help?" yes and no, how often a
hand-over followed in the same conversation, and the help centre page's "Was this helpful?"
(a visitor's latest vote in the period only)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from handoff.insight.daily import counts
from handoff.insight.period import Period, kind_is, within
from handoff.store.models import ReportingEventRow as Event

ANSWER_COLUMNS = {"article_answered": "given", "helped_yes": "helped_yes", "helped_no": "helped_no"}
VOTE_COLUMNS = {"yes": "page_yes", "no": "page_no"}
SHORT_IDS = 160  # the covering index's bound on an article id and a conversation id (migration 0013)
COLUMNS = ("given", "helped_yes", "helped_no", "handover_followed", "page_yes", "page_no")


def answers(session: Session, period: Period) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    # The answers, replies and votes without a visitor id (each counts) from the daily rollup.
    counted = counts(session, period, [*ANSWER_COLUMNS, "help_vote"], ("label", "kind", "reason"), by_team=False)
    # A visitor's latest vote on an article (the highest id: votes are stored in the order they
    # were cast), from the events (a partial index holds these votes alone).
    latest = within(select(func.max(Event.id)).where(kind_is(Event, "help_vote"), Event.customer.is_not(None))
                    .group_by(Event.detail, Event.customer), period, by_team=False)
    visitors = (select(Event.detail, Event.kind, Event.reason, func.count())
                .where(Event.id.in_(latest), Event.detail.is_not(None))
                .group_by(Event.detail, Event.kind, Event.reason))
    for article, kind, reason, n in [*counted, *session.execute(visitors)]:
        column = ANSWER_COLUMNS.get(kind) or VOTE_COLUMNS.get(reason or "")
        if column and article is not None:
            table[str(article)][column] += int(n)
    for article, n in followed(session, period):
        table[str(article)]["handover_followed"] += n
    return {article: dict(row) for article, row in sorted(table.items())}


def followed(session: Session, period: Period) -> list[tuple[str, int]]:
    """Per article, the answers in the period a hand-over in the period followed (in the same
    conversation, at or after the answer): from each conversation's last hand-over (a few) to
    the answers before it. In PostgreSQL the answers are read from a covering partial index
    (migration 0013), which holds those with a short article id and conversation id (an index
    row has a size limit, the columns have not); the others are read apart, and are none in
    practice."""
    last = within(select(Event.sender_id, func.max(Event.at).label("at")).where(kind_is(Event, "handover_asked")),
                  period, by_team=False).group_by(Event.sender_id).subquery()
    answer = aliased(Event)
    base = (select(answer.detail, func.count()).select_from(last)
            .join(answer, and_(answer.sender_id == last.c.sender_id, kind_is(answer, "article_answered"),
                               answer.at <= last.c.at, answer.at >= period.since))
            .where(answer.detail.is_not(None)).group_by(answer.detail))
    if session.get_bind().dialect.name != "postgresql":
        return [(str(article), int(n)) for article, n in session.execute(base)]
    bound = literal_column(str(SHORT_IDS))
    short = and_(func.length(answer.detail) <= bound, func.length(answer.sender_id) <= bound)
    long = or_(func.length(answer.detail) > bound, func.length(answer.sender_id) > bound)
    return [(str(article), int(n)) for query in (base.where(short), base.where(long))
            for article, n in session.execute(query)]
