"""The loop every durable timer of the escalations runs on each replica (snoozes, follow-up
tasks, auto-resolve, SLA clocks): look, then wait `every` seconds or until told to stop. A failed
look is logged and the loop goes on, since every customer of that timer relies on the next one;
which replica acts on a row is the store's conditional UPDATE, not this loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


async def run_every(every: float, look: Callable[[], Awaitable[Any]], stop: asyncio.Event, what: str) -> None:
    while not stop.is_set():
        try:
            await look()
        except (RedisError, OSError) as error:
            logger.warning("%s check failed: %s", what, error)
        except Exception:  # one bad row must not end the loop
            logger.exception("%s check failed", what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
