"""The conversations' rows kept with the events (decision 0260), on SQLite and PostgreSQL: an event
counted once however often it is written, in any order; recounted after the retention sweep cut
through conversations and after a customer's purge; the same as a rebuild and as migration
0015's backfill; a conversation whose events disagree on the channel, or with a time that is not
finite, marked irregular."""

from __future__ import annotations

import math
import random

from sqlalchemy import delete

from handoff.store import Database, conversation_flags, reporting
from handoff.store.models import ReportingConversationRow
from handoff.store.purge import delete_reporting_before, delete_sender
from handoff.store.reporting import ReportingEvent
from tests.handoff.databases import at_revision

DAY = 86_400.0
T = 20_000 * DAY


def mixed(seed: int, n: int = 300) -> list[ReportingEvent]:
    """Events of the kept kinds and others, over five days, for 20 conversations, each mostly on
    its own channel (or none)."""
    rng = random.Random(seed)
    kinds = [*conversation_flags.TRACKED, "conversation_started", "article_answered", "csat"]
    homes = {f"c{i}": rng.choice(["rest", "telegram", None]) for i in range(1, 21)}
    events = []
    for i in range(n):
        sender = rng.choice([f"c{rng.randint(1, 20)}", None])
        channel = homes.get(sender or "") if rng.random() < 0.95 else rng.choice(["rest", "telegram", None])
        events.append(ReportingEvent(key=f"m{seed}:{i}", kind=rng.choice(kinds), at=T + rng.random() * 5 * DAY,
                                     actor="customer", sender_id=sender, channel=channel))
    return events


async def stored(db: Database) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await db.run(conversation_flags.stored)]


async def rebuilt(db: Database) -> list[tuple[object, ...]]:
    await db.run(conversation_flags.rebuild)
    return await stored(db)


def expected(events: list[ReportingEvent]) -> dict[str, tuple[int, float, float]]:
    """Per conversation: its starts, first and last start (any kind kept makes a row)."""
    rows: dict[str, tuple[int, float, float]] = {}
    for e in events:
        if e.sender_id is not None and e.kind in conversation_flags.TRACKED:
            n, first, last = rows.get(e.sender_id, (0, math.inf, -math.inf))
            if e.kind == "conversation_started":
                n, first, last = n + 1, min(first, e.at), max(last, e.at)
            rows[e.sender_id] = (n, first, last)
    return rows


def starts(rows: list[tuple[object, ...]]) -> dict[str, tuple[object, ...]]:
    return {str(row[0]): (row[3], row[4] if row[4] is not None else math.inf,
                          row[5] if row[5] is not None else -math.inf) for row in rows}


async def test_each_event_counted_once_in_any_order_as_a_rebuild(database: Database) -> None:
    events = mixed(1)
    await database.run(lambda s: [reporting.add(s, e) for e in random.Random(2).sample(events, len(events))])
    await database.run(lambda s: [reporting.add(s, e) for e in events[:120]])  # delivered again
    kept = await stored(database)
    assert starts(kept) == expected(events)
    assert any(row[2] for row in kept) and any(not row[2] and row[1] is not None for row in kept)
    assert kept == await rebuilt(database)


async def test_retention_and_purge_recount_what_is_left(database: Database) -> None:
    events = mixed(3)
    await database.run(lambda s: [reporting.add(s, e) for e in events])
    while await database.run(lambda s: delete_reporting_before(s, T + 2.5 * DAY, limit=23)):
        pass
    await database.run(lambda s: delete_sender(s, "c4"))
    left = [e for e in events if e.at >= T + 2.5 * DAY and e.sender_id != "c4"]
    after = await stored(database)
    assert starts(after) == expected(left) and "c4" not in starts(after)
    assert after == await rebuilt(database)


async def test_a_channel_apart_or_a_time_not_finite_is_irregular(database: Database) -> None:
    def add(key: str, sender: str, at: float, channel: str | None) -> None:
        database_events.append(ReportingEvent(key=key, kind="conversation_started", at=at, actor="customer",
                                              sender_id=sender, channel=channel))

    database_events: list[ReportingEvent] = []
    add("a1", "a", T, "rest")
    add("a2", "a", T + 1, "rest")
    add("b1", "b", T, "rest")
    add("b2", "b", T + 1, None)
    add("c1", "c", T, None)
    add("c2", "c", T + 1, None)
    add("d1", "d", T, "rest")
    add("d2", "d", math.inf, "rest")
    await database.run(lambda s: [reporting.add(s, e) for e in database_events])
    kept = await stored(database)
    assert {row[0]: (row[1], bool(row[2])) for row in kept} == {
        "a": ("rest", False), "b": (None, True), "c": (None, False), "d": (None, True)}
    assert kept == await rebuilt(database)


async def test_the_migration_counts_the_events_already_stored(database_url: str) -> None:
    db = at_revision(database_url, "0014",
        "INSERT INTO reporting_events (key, kind, at, actor, sender_id, channel) VALUES "
        f"('e1', 'conversation_started', {T + 10}, 'customer', 'c1', 'rest'), "
        f"('e2', 'conversation_started', {T + DAY}, 'customer', 'c1', 'rest'), "
        f"('e3', 'handover_asked', {T + 20}, 'customer', 'c1', 'rest'), "
        f"('e4', 'article_answered', {T + 20}, 'bot', 'c2', 'rest')")
    await db.start()  # migrates to the head, as a replica does on start
    try:
        rows = await stored(db)
        assert [(row[0], row[1], bool(row[2]), row[3], row[4], row[5], row[6]) for row in rows] == [
            ("c1", "rest", False, 2, T + 10, T + DAY, T + 20)]
        await db.run(lambda s: s.execute(delete(ReportingConversationRow)))  # lost: a rebuild puts it back
        assert await rebuilt(db) == rows
    finally:
        await db.close()
