"""The interface the bot's actions and the handoff service depend on, and the factory that picks
an implementation from the environment (orders/settings.py).

Two implementations: `orders.demo_store.DemoStore` (SQLite, seeded with the handbook's demo
customers) and `orders.http_adapter.HttpOrderBackend` (a shop's REST API, docs/order-api.md).
Every method is synchronous and quick; async callers run them with `asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from orders.errors import BackendUnavailable, OrderBackendError, OrderNotFound, RuleViolation
from orders.models import Order, Resolution, ReturnRequest, ShippingRefund, Variant
from orders.settings import OrdersSettings

__all__ = [
    "BackendUnavailable", "OrderBackend", "OrderBackendError", "OrderNotFound", "RuleViolation", "open_backend",
]


@runtime_checkable
class OrderBackend(Protocol):
    def get_order(self, order_number: str) -> Order | None:
        """The order in canonical form `LK-123456`, or None if there is no such order."""
        ...

    def variants(self, product_id: str) -> list[Variant]:
        """Every size and colour of a product with its stock, for exchanges."""
        ...

    def returns_for(self, order_number: str) -> list[ReturnRequest]:
        """Return requests already made for an order, oldest first."""
        ...

    def create_return(
        self,
        order_number: str,
        skus: Sequence[str],
        reason: str,
        resolution: Resolution,
        exchange_to: str | None = None,
        now: datetime | None = None,
    ) -> ReturnRequest:
        """Create a return (RuleViolation if the shop's rules forbid it, OrderNotFound)."""
        ...

    def cancel_order(self, order_number: str, now: datetime | None = None) -> Order:
        """Cancel within the change window (RuleViolation after it, OrderNotFound)."""
        ...

    def refund_shipping(self, order_number: str, now: datetime | None = None) -> ShippingRefund:
        """Pay back the shipping cost of a late order, once (RuleViolation otherwise)."""
        ...


def open_backend(settings: OrdersSettings | None = None) -> OrderBackend:
    """The backend the environment names: ORDERS_BACKEND=demo (default) or http."""
    settings = settings or OrdersSettings.from_env()
    if settings.backend == "http":
        from orders.http_adapter import HttpOrderBackend

        return HttpOrderBackend(settings.api_url, settings.api_token, settings.api_timeout)
    from orders.demo_store import DemoStore

    return DemoStore.open(settings.db_path)
