"""The daily rollup kept with the events, on SQLite and PostgreSQL: an event counted once however
often it is written, counted down by the retention sweep (a cut in the middle of a day) and by a
customer's purge, recounted the same by a rebuild and by migration 0013's backfill; times at
midnight, before 1970 and absurdly far ahead kept out or in as the reads expect."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import delete, text

from handoff.store import Database, reporting, rollup
from handoff.store.models import ReportingDailyRow
from handoff.store.purge import delete_reporting_before, delete_sender
from handoff.store.reporting import ReportingEvent
from tests.handoff.databases import at_revision

DAY = rollup.DAY
T = 20_000 * DAY  # a midnight in 2024


def mixed(seed: int, n: int = 300) -> list[ReportingEvent]:
    """Events of every counted kind and some not counted, over four days, a few channels and teams."""
    rng = random.Random(seed)
    kinds = [*sorted(rollup.ROLLED), "conversation_started", "claimed", "csat"]
    events = []
    for i in range(n):
        kind = rng.choice(kinds)
        events.append(ReportingEvent(
            key=f"m{seed}:{i}", kind=kind, at=T + rng.choice([0.0, 1.5, DAY - 0.25, DAY, 2.7 * DAY, 3 * DAY + 9]),
            actor=rng.choice(["bot", "customer", "agent"]), sender_id=f"c{rng.randint(1, 20)}",
            customer=rng.choice([None, None, "visitor:v1", "visitor:v2"]) if kind == "help_vote" else None,
            channel=rng.choice(["rest", "telegram", None]), team=rng.choice(["returns", "delivery", None]),
            reason=rng.choice(["yes", "no", "explicit_request", None]),
            detail=rng.choice(["returns-policy", "shipping-canada", "delivery_status", "first_response", None])))
    return events


async def rebuilt(db: Database) -> list[tuple[object, ...]]:
    """The rollup as a recount from the events makes it (it replaces the stored one)."""
    await db.run(rollup.rebuild)
    return await stored(db)


async def stored(db: Database) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await db.run(rollup.stored)]


async def test_each_event_is_counted_once_and_the_counts_match_a_recount(database: Database) -> None:
    events = mixed(1)
    await database.run(lambda s: [reporting.add(s, e) for e in events])
    await database.run(lambda s: [reporting.add(s, e) for e in events[:100]])  # delivered again
    incremental = await stored(database)
    assert sum(row[-1] for row in incremental) == sum(
        1 for e in events if rollup.fields(e.kind, e.at, e.channel, e.team, e.actor, e.reason, e.detail,
                                           e.customer) is not None)
    assert incremental == await rebuilt(database)


async def test_retention_and_purge_count_down_what_they_delete(database: Database) -> None:
    events = mixed(2)
    await database.run(lambda s: [reporting.add(s, e) for e in events])
    # A cut in the middle of the second day, in small batches: part of a day's counts go.
    while await database.run(lambda s: delete_reporting_before(s, T + 1.5 * DAY, limit=17)):
        pass
    await database.run(lambda s: delete_sender(s, "c3"))
    after = await stored(database)
    assert after == await rebuilt(database)
    assert all(row[-1] > 0 for row in after)  # a row counted down to nothing is gone
    assert await database.run(lambda s: reporting.count(s)) == sum(
        1 for e in events if e.at >= T + 1.5 * DAY and e.sender_id != "c3")


async def test_a_delete_counts_down_only_what_it_deleted(database: Database) -> None:
    await database.run(lambda s: reporting.add(s, ReportingEvent(key="h1", kind="handover_asked", at=T + 5,
                                                                 actor="customer", sender_id="c1", team="returns")))
    assert await database.run(lambda s: rollup.delete_events(s, text("reporting_events.key = 'h1'"))) == 1
    assert await database.run(lambda s: rollup.delete_events(s, text("reporting_events.key = 'h1'"))) == 0
    assert await stored(database) == []


@pytest.mark.parametrize("at", [T, T - 0.001, T + DAY - 1e-6, -1.5 * DAY, 1e20, 5.0])
async def test_a_time_is_counted_on_its_utc_day_or_not_at_all(database: Database, at: float) -> None:
    await database.run(lambda s: reporting.add(s, ReportingEvent(key="a", kind="article_answered", at=at,
                                                                 actor="bot", sender_id="c1", detail="x")))
    days = [row[0] for row in await stored(database)]
    if rollup.FIRST_DAY * DAY <= at < rollup.END_DAY * DAY:
        assert days == [rollup.day_number(at)] and days[0] * DAY <= at < (days[0] + 1) * DAY
    else:
        assert days == []
    assert await stored(database) == await rebuilt(database)


async def test_a_vote_with_a_visitor_id_and_long_labels(database: Database) -> None:
    long_label = "é" * 500  # an article id as long as a detail may be
    await database.run(lambda s: [reporting.add(s, e) for e in [
        ReportingEvent(key="v1", kind="help_vote", at=T + 1, actor="visitor", customer="visitor:a", reason="yes",
                       detail="returns-policy"),
        ReportingEvent(key="v2", kind="help_vote", at=T + 2, actor="visitor", reason="no", detail=long_label),
        ReportingEvent(key="a1", kind="article_answered", at=T + 3, actor="bot", sender_id="s" * 255,
                       detail=long_label + "more")]])
    rows = await stored(database)
    assert sorted((row[1], row[6]) for row in rows) == [("article_answered", long_label), ("help_vote", long_label)]


async def test_the_migration_counts_the_events_already_stored(database_url: str) -> None:
    db = at_revision(database_url, "0012",
        "INSERT INTO reporting_events (key, kind, at, actor, sender_id, channel, detail) VALUES "
        f"('e1', 'article_answered', {T + 10}, 'bot', 'c1', 'rest', 'returns-policy'), "
        f"('e2', 'article_answered', {T + DAY + 10}, 'bot', 'c2', 'rest', 'returns-policy'), "
        f"('e3', 'article_answered', {T + DAY + 20}, 'bot', 'c3', 'rest', 'returns-policy'), "
        f"('e4', 'conversation_started', {T + 10}, 'customer', 'c1', 'rest', NULL)")
    await db.start()  # migrates to the head, as a replica does on start
    try:
        rows = await stored(db)
        assert [(row[0], row[1], row[-1]) for row in sorted(rows)] == [
            (20_000, "article_answered", 1), (20_001, "article_answered", 2)]
        await db.run(lambda s: s.execute(delete(ReportingDailyRow)))  # lost: a rebuild puts it back
        assert await rebuilt(db) == rows
    finally:
        await db.close()
