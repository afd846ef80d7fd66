"""The retention policy for customer records: a conversation's link to its customer leaves the
store HANDOFF_RETENTION_DAYS after it was last verified, as the conversation leaves Redis and
its escalations the store after the same period; a customer with no conversation left goes with
the agents' notes on them. Runs in every replica; rows another replica deleted a moment earlier
are simply not there, so no coordination is needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from handoff.store import Database
from handoff.store import customers as rows

logger = logging.getLogger(__name__)
SWEEP_EVERY_SECONDS = 3600.0  # hourly is plenty for a period counted in days
MAX_BATCHES_PER_SWEEP = 100  # each batch its own short transaction


class CustomerRetention:
    def __init__(self, db: Database, retention_seconds: float, every_seconds: float = SWEEP_EVERY_SECONDS) -> None:
        self.db = db
        self.retention_seconds = retention_seconds
        self.every_seconds = every_seconds

    async def sweep(self, now: float | None = None) -> tuple[int, int]:
        """Delete what the policy no longer keeps: (conversation links, customers) removed."""
        cutoff = (now if now is not None else time.time()) - self.retention_seconds
        links = customers = 0
        for _ in range(MAX_BATCHES_PER_SWEEP):
            removed = await self.db.run(lambda s: rows.delete_links_before(s, cutoff))
            links += removed
            if not removed:
                break
        for _ in range(MAX_BATCHES_PER_SWEEP):
            removed = await self.db.run(lambda s: rows.delete_unlinked_before(s, cutoff))
            customers += removed
            if not removed:
                break
        if links or customers:
            logger.info("retention: removed %d customer conversation links and %d customers", links, customers)
        return links, customers

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sweep()
            except Exception:  # the store down for a moment: the next sweep catches up
                logger.exception("customer retention sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.every_seconds)
