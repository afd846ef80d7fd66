"""How the order actions reach the order backend and the time: one backend per action server,
opened on first use from the ORDERS_* environment (orders/settings.py), called off the event
loop; `OrderAction` is the base of every order action and form validator."""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker

from bot.actions.order_flows.lockout import VerificationLockout, default_lockout
from orders.backend import OrderBackend, open_backend
from orders.models import Order

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


def is_verified(tracker: Tracker) -> bool:
    """Whether `order_number` is an order this conversation verified: `order_verified` alone
    may be left from another order, so the number itself must be among `verified_orders`."""
    number = tracker.get_slot("order_number")
    verified = tracker.get_slot("verified_orders")
    return (isinstance(number, str) and bool(number) and tracker.get_slot("order_verified") is True
            and isinstance(verified, list) and number in verified)


class OrderAction(Action, ABC):
    """An action that reads orders: the backend, the clock and the verification lockout are given
    in tests; the action server builds it with none (the shared backend and Redis, the real time)."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server does not register the base class itself."""

    def __init__(self, backend: OrderBackend | None = None, clock: Callable[[], float] = time.time,
                 lockout: VerificationLockout | None = None) -> None:
        self._backend = backend
        self.clock = clock
        self._lockout = lockout

    @property
    def backend(self) -> OrderBackend:
        return self._backend or default_backend()

    @property
    def lockout(self) -> VerificationLockout:
        return self._lockout or default_lockout()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    async def verified_order(self, tracker: Tracker) -> Order | None:
        """The order the slot `order_number` names, only if it was verified in this conversation
        (None if not, or if there is none): the one way an action reads an order it may disclose
        or change. A form or a story reaching an action proves nothing; the slots must."""
        if not is_verified(tracker):
            return None
        return await call(self.backend.get_order, tracker.get_slot("order_number"))
