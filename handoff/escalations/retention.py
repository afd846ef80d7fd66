"""The retention policy for the store: escalations closed more than HANDOFF_RETENTION_DAYS ago
leave it, with their history and notes, as conversations leave Redis after the same period
(handoff/conversations/store.py). Runs in every replica; deleting rows that another replica
deleted a moment earlier deletes nothing, so no coordination is needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from handoff.store import Database
from handoff.store.purge import delete_closed_before, delete_reporting_before

logger = logging.getLogger(__name__)
# Hourly is plenty for a period counted in days; the first sweep runs at start.
SWEEP_EVERY_SECONDS = 3600.0
# Batches, each its own short transaction, and at most this many per sweep: a backlog after a
# long outage drains over a few sweeps instead of one long lock.
MAX_BATCHES_PER_SWEEP = 100


class RetentionSweeper:
    def __init__(self, db: Database, retention_seconds: float, every_seconds: float = SWEEP_EVERY_SECONDS) -> None:
        self.db = db
        self.retention_seconds = retention_seconds
        self.every_seconds = every_seconds
        self.deleted = 0

    async def sweep(self, now: float | None = None) -> int:
        """Delete what the policy no longer keeps; how many escalations went."""
        cutoff = (now if now is not None else time.time()) - self.retention_seconds
        deleted = 0
        for _ in range(MAX_BATCHES_PER_SWEEP):
            ids = await self.db.run(lambda s: delete_closed_before(s, cutoff))
            deleted += len(ids)
            if not ids:
                break
        # The reporting events of the same period go too (they name customers and quote them).
        for _ in range(MAX_BATCHES_PER_SWEEP):
            if not await self.db.run(lambda s: delete_reporting_before(s, cutoff)):
                break
        if deleted:
            logger.info("retention: removed %d escalations closed before %.0f", deleted, cutoff)
        self.deleted += deleted
        return deleted

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sweep()
            except Exception:  # the store down for a moment: the next sweep catches up
                logger.exception("retention sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.every_seconds)
