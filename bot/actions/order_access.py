"""How the actions reach the order backend: one backend per action server, opened on first use
from the ORDERS_* environment (orders/settings.py), called off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from orders.backend import OrderBackend, open_backend

T = TypeVar("T")
_backend: OrderBackend | None = None


def default_backend() -> OrderBackend:
    global _backend
    if _backend is None:
        _backend = open_backend()
    return _backend


async def call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """SQLite and urllib block; a slow shop API must not stall every other conversation."""
    return await asyncio.to_thread(function, *args, **kwargs)
