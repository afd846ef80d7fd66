"""Ending background tasks for sure, within a bound.

On Python 3.11 one `task.cancel()` is not enough: `asyncio.wait_for` returns normally, and the
cancellation is lost, when the future it waits on finishes in the same turn of the loop as the
cancel arrives (CPython gh-86296, fixed by the rewrite of `wait_for` in 3.12). redis-py runs every
write to Redis inside `wait_for` when the client has a socket timeout, and its default is 5 s. A
task cancelled while it sends a command to Redis then carries on as if nothing had happened, and
whoever awaits it after one cancel waits forever: a console's heartbeat kept the handoff service
from shutting down that way (tests/handoff/realtime/test_live.py hung).

So a task still running is cancelled again every RECANCEL_SECONDS (a later cancel finds it at
another await), `asyncio.wait` is used to wait (it neither raises the task's CancelledError nor
absorbs the caller's), and the whole wait has a bound.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)

RECANCEL_SECONDS = 0.1


async def cancel_and_wait(tasks: Iterable[asyncio.Task[Any]], *, patience: float) -> set[asyncio.Task[Any]]:
    """Cancel the tasks and wait until each has ended, `patience` seconds at most; the tasks
    still running then are logged and returned. A task's own outcome is not raised here: ask
    the task (`task.exception()`) when it matters."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    running = {task for task in tasks if not task.done()}
    while running:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        for task in running:
            task.cancel()
        _, running = await asyncio.wait(running, timeout=min(RECANCEL_SECONDS, remaining))
    for task in running:
        logger.error("task %s did not end within %.1fs of being cancelled", task.get_name(), patience)
    return running
