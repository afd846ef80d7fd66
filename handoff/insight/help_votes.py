"""The help centre's "Was this helpful?" votes, read from the knowledge service (GET /votes, after
a cursor) into the reporting events; see docs/decisions/0175-help-centre-pages-and-votes.md for
why this service pulls them rather than the knowledge service pushing.

The cursor (the last vote's seq) is kept in Redis. Losing it costs a re-read: each event's key
is the vote's seq and time, so a vote read twice is stored once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx
from redis.asyncio import Redis

from handoff.store import Database, reporting
from handoff.store.reporting import ReportingEvent

logger = logging.getLogger(__name__)
PAGE = 500
MAX_PAGES_PER_READ = 20  # a backlog drains over a few reads
CHANNEL = "help_centre"


def vote_event(row: Any) -> ReportingEvent | None:
    """One vote as a reporting event; None for a row that is not a vote (the answer is outside input)."""
    if not isinstance(row, dict):
        return None
    seq, article, helpful, at = row.get("seq"), row.get("article_id"), row.get("helpful"), row.get("at")
    if (not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(article, str) or not 0 < len(article) <= 160
            or not isinstance(helpful, bool) or not isinstance(at, (int, float)) or isinstance(at, bool)):
        return None
    visitor = row.get("visitor")
    # The visitor's pseudonymous cookie id: a changed vote replaces the visitor's earlier one in the reports.
    customer = f"visitor:{visitor}" if isinstance(visitor, str) and 0 < len(visitor) <= 64 else None
    return ReportingEvent(key=f"help_vote:{seq}:{at:.6f}", kind="help_vote", at=float(at), actor="visitor",
                          channel=CHANNEL, customer=customer, value=1.0 if helpful else 0.0,
                          reason="yes" if helpful else "no", detail=article)


class HelpVotesReader:
    def __init__(self, db: Database, redis: Redis, prefix: str, knowledge_url: str, token: str,
                 every_seconds: float = 30.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.db = db
        self.redis = redis
        self.cursor_key = f"{prefix}:insight:help_votes_cursor"
        self.url = f"{knowledge_url.rstrip('/')}/votes"
        self.token = token
        self.every_seconds = every_seconds
        self.transport = transport
        self.stored = 0

    async def read(self) -> int:
        """Read every vote after the cursor (up to MAX_PAGES_PER_READ pages); how many were new."""
        raw = await self.redis.get(self.cursor_key)
        cursor = int(raw) if raw and raw.isdigit() else 0
        new = 0
        async with httpx.AsyncClient(timeout=10, transport=self.transport,
                                     headers={"Authorization": f"Bearer {self.token}"}) as client:
            for _ in range(MAX_PAGES_PER_READ):
                response = await client.get(self.url, params={"after": cursor, "limit": PAGE})
                response.raise_for_status()
                rows = response.json()
                if not isinstance(rows, list) or not rows:
                    break
                events = [event for event in map(vote_event, rows) if event is not None]
                new += sum(await self.db.run(lambda s, events=events: [reporting.add(s, e) for e in events]))
                seqs = [row["seq"] for row in rows if isinstance(row, dict) and isinstance(row.get("seq"), int)]
                if not seqs or max(seqs) <= cursor:
                    break  # a reply that does not move forward must not loop
                cursor = max(seqs)
                await self.redis.set(self.cursor_key, cursor)
                if len(rows) < PAGE:
                    break
        self.stored += new
        return new

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.read()
            except Exception as error:  # the knowledge service down or restarting: next time
                logger.warning("help-centre votes not read from %s: %s", self.url, error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.every_seconds)
