"""The HTTP adapter when the shop's API misbehaves: every failure is BackendUnavailable (the bot
then says it cannot reach the order system), never a wrong answer such as "no such order"."""

from __future__ import annotations

import pytest

from orders.errors import BackendUnavailable
from orders.http_adapter import HttpOrderBackend
from tests.conftest import free_port
from tests.orders.shop_api_server import ShopApiServer


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors(shop_api: ShopApiServer, status: int) -> None:
    shop_api.fail_with = status
    with pytest.raises(BackendUnavailable, match=str(status)):
        HttpOrderBackend(shop_api.url, shop_api.token).get_order("LK-100231")


def test_wrong_token_is_not_taken_for_a_missing_order(shop_api: ShopApiServer) -> None:
    with pytest.raises(BackendUnavailable, match="401"):
        HttpOrderBackend(shop_api.url, "wrong").get_order("LK-100231")


def test_body_not_as_documented(shop_api: ShopApiServer) -> None:
    shop_api.garbage = True
    backend = HttpOrderBackend(shop_api.url, shop_api.token)
    with pytest.raises(BackendUnavailable, match="does not match"):
        backend.get_order("LK-100231")
    with pytest.raises(BackendUnavailable):
        backend.create_return("LK-100232", ["WOOL-SWEATER-L-OATMEAL"], "too big", "refund")


def test_nobody_listening() -> None:
    with pytest.raises(BackendUnavailable):
        HttpOrderBackend(f"http://127.0.0.1:{free_port()}", "t", timeout=2).get_order("LK-100231")


def test_timeout(shop_api: ShopApiServer) -> None:
    shop_api.delay = 1.5
    with pytest.raises(BackendUnavailable):
        HttpOrderBackend(shop_api.url, shop_api.token, timeout=0.5).get_order("LK-100231")
