"""Each conversation's starts and hand-over steps in brief (decision 0260): per sender id, how many
times it started, the first and last time of each of the kinds containment reads (started, asked
for a person, claimed, found nobody), the first and last answer it came back for, and its
channel. Containment, its trend and "came back" read these rows instead of grouping about 165,000
events per report over 90 days (handoff/insight/containment.py): whether a conversation had a kind
in a period follows from the first and last time, except where they lie on both sides of the
period (then read from its events).

Kept exact in the transaction that changes the events, as the daily rollup is
(handoff/store/rollup.py): `count` for an event just stored (an event seen twice is counted once),
one upsert of the conversation's row, so concurrent writers of one conversation wait on that row
until commit (a start or an answer then remarks the answers it came back for, reading its events
after the lock); `recount` for the conversations whose events the retention sweep or a purge
deleted (a first or last time cannot be counted down, so the row is recounted from what is left);
`rebuild` recounts every row (migration 0015, and after a bulk load that bypassed reporting.add)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from handoff.store.models import ReportingConversationRow as Conversation
from handoff.store.models import ReportingEventRow as Event

# The kinds kept, by the name of their columns (first_<name>, last_<name>).
TRACKED = {"conversation_started": "start", "handover_asked": "asked", "claimed": "claimed",
           "unstaffed": "unstaffed"}
COLUMNS = ("sender_id", "channel", "irregular", "starts",
           *(f"{edge}_{name}" for name in TRACKED.values() for edge in ("first", "last")))
# Also read: the answers, for the ones a conversation came back for (first_back, last_back).
READ = frozenset(TRACKED) | {"article_answered"}
RETURN_WINDOW = 7 * 86_400.0  # "came back within 7 days" (handoff/insight/period.py)
BATCH = 500  # senders per IN list (SQLite's variable limit)
FINITE = 1.7976931348623157e308  # the largest double: beyond it, infinities (and PostgreSQL's NaN)


def count(session: Session, values: dict[str, Any]) -> None:
    """Count an event just stored (its column values, as reporting.add wrote them)."""
    sender, kind = values["sender_id"], values["kind"]
    if sender is None or kind not in READ:
        return
    if kind == "article_answered":
        # An answer may be one a conversation came back for, or its repeat: remarked, with the row
        # locked first so the marking reads every committed event of the conversation.
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(Conversation.sender_id).where(Conversation.sender_id == sender).with_for_update())
        mark_back(session, Conversation.sender_id == sender)
        return
    at, name = values["at"], TRACKED[kind]
    odd = not math.isfinite(at)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Conversation).values(
        sender_id=sender, channel=None if odd else values["channel"], irregular=odd,
        starts=int(kind == "conversation_started"), **{f"first_{name}": at, f"last_{name}": at})
    new = statement.excluded
    first, last = getattr(Conversation, f"first_{name}"), getattr(Conversation, f"last_{name}")
    # The SET expressions read the row as it was: a channel seen apart makes it irregular for good.
    apart = or_(Conversation.irregular, new.irregular, Conversation.channel.is_distinct_from(new.channel))
    session.execute(statement.on_conflict_do_update(index_elements=["sender_id"], set_={
        "irregular": apart, "channel": case((apart, None), else_=Conversation.channel),
        "starts": Conversation.starts + new.starts,
        first.key: case((or_(first.is_(None), new[first.key] < first), new[first.key]), else_=first),
        last.key: case((or_(last.is_(None), new[last.key] > last), new[last.key]), else_=last)}))
    if kind == "conversation_started":  # a start may make an earlier answer one it came back for
        mark_back(session, Conversation.sender_id == sender)


def mark_back(session: Session, *where: ColumnElement[bool]) -> None:
    """Set first_back and last_back of the rows `where` (with two starts or more): the first and
    last answer given again, with the same article, at or after a start within 7 days after it."""
    answer, again, repeat = aliased(Event), aliased(Event), aliased(Event)
    settled = exists(select(again.id).join(repeat, and_(
        repeat.sender_id == again.sender_id, repeat.kind == "article_answered", repeat.detail == answer.detail,
        repeat.at >= again.at)).where(again.sender_id == answer.sender_id, again.kind == "conversation_started",
                                      again.at > answer.at, again.at <= answer.at + RETURN_WINDOW))
    answers = select(answer.at).where(answer.sender_id == Conversation.sender_id, answer.kind == "article_answered",
                                      answer.detail.is_not(None), settled)
    session.execute(update(Conversation).where(Conversation.starts >= 2, *where).values(
        first_back=answers.with_only_columns(func.min(answer.at)).scalar_subquery(),
        last_back=answers.with_only_columns(func.max(answer.at)).scalar_subquery()))


def grouped(*where: ColumnElement[bool]) -> Any:
    """The rows counted from the events (what `count` keeps, in SQL), in COLUMNS order."""
    differ = or_(func.count(func.distinct(Event.channel)) > 1,
                 and_(func.count(Event.channel) > 0, func.count(Event.channel) < func.count()))
    odd = func.max(case((or_(Event.at > FINITE, Event.at < -FINITE), 1), else_=0)) == 1
    irregular = or_(differ, odd)
    edges = []
    for kind in TRACKED:
        when = case((Event.kind == kind, Event.at))
        edges += [func.min(when), func.max(when)]
    return (select(Event.sender_id, case((irregular, None), else_=func.min(Event.channel)), irregular,
                   func.sum(case((Event.kind == "conversation_started", 1), else_=0)), *edges)
            .where(Event.kind.in_(TRACKED), Event.sender_id.is_not(None), *where).group_by(Event.sender_id))


def recount(session: Session, senders: Iterable[str | None]) -> None:
    """Recount these conversations' rows from their events (a row with none left goes). In sender
    order, locked first, so two sweeps recounting the same conversations wait rather than deadlock;
    a writer adding to a locked row waits and then adds to the recounted row."""
    chosen = sorted({sender for sender in senders if sender is not None})
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(chosen), BATCH):
        chunk = chosen[start:start + BATCH]
        if postgres:
            session.execute(select(Conversation.sender_id).where(Conversation.sender_id.in_(chunk))
                            .order_by(Conversation.sender_id).with_for_update())
        session.execute(delete(Conversation).where(Conversation.sender_id.in_(chunk)))
        session.execute(Conversation.__table__.insert().from_select(COLUMNS, grouped(Event.sender_id.in_(chunk))))
        mark_back(session, Conversation.sender_id.in_(chunk))


def rebuild(session: Session) -> int:
    """Recount every row from the events; how many there are. In PostgreSQL the events are locked
    against writers meanwhile (a writer would add to rows being replaced)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("LOCK TABLE reporting_events IN SHARE MODE"))
    session.execute(delete(Conversation))
    session.execute(Conversation.__table__.insert().from_select(COLUMNS, grouped()))
    mark_back(session)
    if postgres:  # the planner's figures for a table just filled
        session.execute(text("ANALYZE reporting_conversations"))
    return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


def stored(session: Session) -> Sequence[tuple[Any, ...]]:
    """Every row in COLUMNS order, by sender: for comparing with a rebuild."""
    columns = [getattr(Conversation, name) for name in (*COLUMNS, "first_back", "last_back")]
    return session.execute(select(*columns).order_by(Conversation.sender_id)).all()
