"""The help centre's votes read from the running knowledge service into the reporting events:
each vote once, a changed vote as a new event, a lost cursor costing only a re-read."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from handoff.insight.help_votes import HelpVotesReader, vote_event
from handoff.insight.reports import Period, summary
from handoff.store import Database, reporting
from tests.conftest import Stack


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'handoff.db'}")
    await db.start()
    yield db
    await db.close()


async def page_votes(db: Database, article: str) -> tuple[int, int]:
    now = time.time()
    report = await db.run(lambda s: summary(s, Period(since=now - 3600, until=now + 1)))
    row = report["answers"].get(article, {})
    return row.get("page_yes", 0), row.get("page_no", 0)


def vote(base: str, visitor: httpx.Client, article: str, helpful: str) -> None:
    response = visitor.post(f"{base}/help/{article}/vote", data={"helpful": helpful}, follow_redirects=False)
    assert response.status_code == 303, response.text


async def test_votes_become_reporting_events_once(knowledge_stack: Stack, redis_url: str, sqlite: Database) -> None:
    base = knowledge_stack.url("knowledge")
    redis = Redis.from_url(redis_url)
    reader = HelpVotesReader(sqlite, redis, "test", base, knowledge_stack.settings.admin_token())
    already = await reader.read()  # votes other tests of the session left in this service
    before = await page_votes(sqlite, "returns-policy")
    with httpx.Client(timeout=30) as first, httpx.Client(timeout=30) as second:
        vote(base, first, "returns-policy", "no")
        vote(base, second, "returns-policy", "yes")
        assert await reader.read() == 2
        vote(base, first, "returns-policy", "yes")  # the first visitor changes their mind
    assert await reader.read() == 1
    assert await reader.read() == 0
    await redis.delete(reader.cursor_key)  # Redis flushed: everything is read again, nothing stored twice
    assert await reader.read() == 0
    events = await sqlite.run(lambda s: reporting.count(s, "help_vote"))
    assert events == already + 3
    # In the answers report each visitor counts once, with their latest vote: two yes, no "no".
    after = await page_votes(sqlite, "returns-policy")
    assert (after[0] - before[0], after[1] - before[1]) == (2, 0)
    await redis.aclose()


async def test_a_wrong_token_is_an_error_not_silence(knowledge_stack: Stack, redis_url: str, sqlite: Database) -> None:
    redis = Redis.from_url(redis_url)
    reader = HelpVotesReader(sqlite, redis, "test", knowledge_stack.url("knowledge"), "wrong")
    with pytest.raises(httpx.HTTPStatusError):
        await reader.read()
    await redis.aclose()


def test_rows_that_are_not_votes_are_skipped() -> None:
    good = {"seq": 3, "article_id": "returns-policy", "helpful": False, "at": 1700000000.5, "visitor": "v"}
    event = vote_event(good)
    assert event is not None and (event.kind, event.value, event.reason, event.detail) == (
        "help_vote", 0.0, "no", "returns-policy")
    for bad in ([], {**good, "seq": "3"}, {**good, "helpful": "yes"}, {**good, "article_id": "x" * 161},
                {**good, "at": True}, {**good, "article_id": ""}):
        assert vote_event(bad) is None
