"""The order backend (the `orders` package), as the engine reads it for the context packet: an
async lookup by order number over the synchronous backend."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orders.backend import OrderBackend

logger = logging.getLogger(__name__)
OrderLookup = Callable[[str], Awaitable[dict[str, Any] | None]]


def order_lookup_from_backend(open_backend: Callable[[], OrderBackend]) -> OrderLookup:
    """An async lookup over the synchronous `orders` backend, canonicalising what was typed."""
    from orders.identity import normalize_order_number

    async def lookup(order_number: str) -> dict[str, Any] | None:
        canonical = normalize_order_number(order_number)
        if canonical is None:
            raise ValueError(f"{order_number!r} is not an order number (LK-123456)")

        def fetch() -> dict[str, Any] | None:
            order = open_backend().get_order(canonical)
            return None if order is None else order.to_dict()

        return await asyncio.to_thread(fetch)

    return lookup


def configured_order_lookup() -> OrderLookup | None:
    """The lookup over the backend the environment configures; None (and a warning) without one."""
    try:
        from orders.backend import open_backend
    except ImportError as error:  # the order backend is optional for the service to run
        logger.warning("No order backend (%s): packets will carry no order snapshot", error)
        return None
    return order_lookup_from_backend(open_backend)
