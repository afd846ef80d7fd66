"""Reading what customers type, and the one check that decides whether details match an order."""

from __future__ import annotations

import pytest

from orders.demo_store import DemoStore
from orders.identity import matches, normalize_email, normalize_order_number, normalize_postcode
from orders.settings import OrdersSettings


@pytest.mark.parametrize("text", [
    "LK-100233", "lk100233", "LK 100233", "#100233", "order 100233", "100233", "it's lk-100233 thanks",
    "sorry, it's Lk_100233", "#LK-100233",
])
def test_loose_order_numbers(text: str) -> None:
    assert normalize_order_number(text) == "LK-100233"


@pytest.mark.parametrize("text", ["", None, "10027", "LK-1002334", "1000233x", "my order", "omar100233@example.com"])
def test_not_order_numbers(text: str | None) -> None:
    assert normalize_order_number(text) is None


def test_emails_and_postcodes() -> None:
    assert normalize_email("It's Omar.H@Example.com!") == "omar.h@example.com"
    assert normalize_email("omar at example") is None
    assert normalize_postcode(" m5v 2t6 ") == "M5V2T6"
    assert normalize_postcode("10027") == "10027"
    assert normalize_postcode("SW1A 1AA") == "SW1A1AA"
    assert normalize_postcode("hello") is None


def test_matches_needs_an_order_and_one_matching_detail(store: DemoStore) -> None:
    omar = store.get_order("LK-100232")
    liam = store.get_order("LK-100235")
    assert matches(omar, email="OMAR.H@example.com")
    assert matches(omar, postcode="10027")
    assert matches(liam, postcode="m5v2t6")
    assert not matches(omar, email="maya.chen@example.com")
    assert not matches(omar, postcode="94110")
    assert not matches(omar)
    assert not matches(None, email="omar.h@example.com")


def test_settings_from_env(tmp_path) -> None:
    assert OrdersSettings.from_env({}).backend == "demo"
    settings = OrdersSettings.from_env({"ORDERS_BACKEND": "http", "ORDERS_API_URL": "http://shop/api/",
                                        "ORDERS_API_TOKEN": "t", "ORDERS_DB": str(tmp_path / "x.db")})
    assert (settings.backend, settings.api_url, settings.api_token) == ("http", "http://shop/api", "t")
    assert settings.db_path == tmp_path / "x.db"
    with pytest.raises(ValueError, match="ORDERS_API_URL"):
        OrdersSettings.from_env({"ORDERS_BACKEND": "http"})
    with pytest.raises(ValueError, match="demo"):
        OrdersSettings.from_env({"ORDERS_BACKEND": "postgres"})
