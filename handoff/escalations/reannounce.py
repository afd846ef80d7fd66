"""No customer is forgotten in the queue: an escalation nobody claimed within
HANDOFF_REANNOUNCE_SECONDS is raised in priority and announced again to its team, and again
after each further interval. Runs in every replica; the queue's atomic `due` makes sure each
re-announcement happens once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from redis.exceptions import RedisError

from handoff.errors import NotFound
from handoff.escalations.service import EscalationService

logger = logging.getLogger(__name__)


class Reannouncer:
    def __init__(self, service: EscalationService, interval_seconds: float) -> None:
        self.service = service
        self.interval = interval_seconds
        # Look often enough that an escalation waits at most a quarter interval too long.
        self.check_every = max(0.1, min(5.0, interval_seconds / 4))
        self.reannounced = 0

    async def tick(self, now: float | None = None) -> list[int]:
        now = now if now is not None else time.time()
        ids = []
        for escalation_id, bumps in await self.service.queue.due(now, self.interval):
            try:
                escalation = await self.service.get(escalation_id)
            except NotFound:
                await self.service.queue.remove(escalation_id)
                continue
            if escalation.state != "queued":  # claimed or closed on another replica a moment ago
                await self.service.queue.remove(escalation_id)
                continue
            await self.service.announce(escalation, now, reannounced=bumps)
            logger.info("escalation %s unclaimed for %.0fs: re-announced (%d)", escalation_id,
                        escalation.waiting_seconds(now), bumps)
            ids.append(escalation_id)
        self.reannounced += len(ids)
        return ids

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except (RedisError, OSError) as error:
                logger.warning("re-announce check failed: %s", error)
            except Exception:  # a bad row must not end the loop that protects every customer
                logger.exception("re-announce check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.check_every)
