"""The same contract, checked against both backends: the demo store in-process, and the HTTP
adapter talking to a shop API stand-in on 127.0.0.1 (which serves a demo store of its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orders.backend import OrderBackend, open_backend
from orders.demo_store import DemoStore
from orders.errors import OrderNotFound, RuleViolation
from orders.http_adapter import HttpOrderBackend
from orders.settings import OrdersSettings
from tests.orders.shop_api_server import ShopApiServer


@pytest.fixture(params=["demo", "http"])
def backend(request: pytest.FixtureRequest, live_store: DemoStore, shop_api: ShopApiServer) -> Iterator[OrderBackend]:
    if request.param == "demo":
        yield open_backend(OrdersSettings(backend="demo", db_path=live_store.path))
    else:
        yield open_backend(OrdersSettings(backend="http", api_url=shop_api.url, api_token=shop_api.token))


def test_both_are_order_backends(backend: OrderBackend) -> None:
    assert isinstance(backend, OrderBackend)


def test_orders_round_trip_exactly(backend: OrderBackend, live_store: DemoStore) -> None:
    for n in range(100231, 100239):
        assert backend.get_order(f"LK-{n}") == live_store.get_order(f"LK-{n}")
    assert backend.get_order("LK-100239") is None


def test_variants(backend: OrderBackend) -> None:
    sizes = [(v.size, v.colour, v.in_stock) for v in backend.variants("wool-sweater")]
    assert ("XL", "oatmeal", False) in sizes and ("M", "oatmeal", True) in sizes
    assert backend.variants("no-such-product") == []


def test_return_then_listed_and_not_twice(backend: OrderBackend) -> None:
    made = backend.create_return("LK-100234", ["SUN-HAT-SM-SAND"], "doesn't suit me", "exchange", "SUN-HAT-SM-OLIVE")
    assert (made.order_number, made.skus, made.exchange_to, made.label_url) == (
        "LK-100234", ("SUN-HAT-SM-SAND",), "SUN-HAT-SM-OLIVE", None)
    assert backend.returns_for("LK-100234") == [made]
    with pytest.raises(RuleViolation, match="already"):
        backend.create_return("LK-100234", ["SUN-HAT-SM-SAND"], "again", "refund")
    with pytest.raises(RuleViolation, match="final sale"):
        backend.create_return("LK-100234", ["SWIMSUIT-M-CORAL"], "too small", "refund")
    with pytest.raises(OrderNotFound):
        backend.create_return("LK-999999", ["X"], "why", "refund")


def test_cancel_and_shipping_refund_rules(backend: OrderBackend) -> None:
    assert backend.cancel_order("LK-100237").status == "cancelled"
    assert backend.get_order("LK-100237").status == "cancelled"
    with pytest.raises(RuleViolation, match="packed"):
        backend.cancel_order("LK-100232")
    with pytest.raises(RuleViolation, match="free"):
        backend.refund_shipping("LK-100235")
    with pytest.raises(OrderNotFound):
        backend.cancel_order("LK-999999")


def test_the_adapter_sends_the_token(shop_api: ShopApiServer) -> None:
    HttpOrderBackend(shop_api.url, shop_api.token).get_order("LK-100231")
    assert shop_api.requests == [("GET", "/orders/LK-100231")]
