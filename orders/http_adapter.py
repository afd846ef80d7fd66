"""The order backend of a shop with its own REST API, as docs/order-api.md describes it.

Standard library (urllib) so that both environments import it without extra packages; the
calls are short and the action server runs them off its event loop (asyncio.to_thread).
Errors at the boundary: 404 on a lookup is "no such order" (None); 404 on a write is
OrderNotFound; 409/422 are RuleViolation with the shop's own sentence; anything else (network,
timeout, 5xx, a body that is not the documented JSON) is BackendUnavailable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from orders.errors import BackendUnavailable, OrderNotFound, RuleViolation
from orders.models import Order, Resolution, ReturnRequest, ShippingRefund, Variant


class HttpOrderBackend:
    def __init__(self, base_url: str, token: str = "", timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except HTTPError as error:
            status = error.code
            try:
                payload = json.loads(error.read() or b"null")
            except ValueError:
                payload = None
            if status in (404, 409, 422):
                detail = payload.get("detail") if isinstance(payload, dict) else None
                return status, {"detail": str(detail or error.reason)}
            raise BackendUnavailable(f"{method} {path}: HTTP {status}") from error
        except (URLError, TimeoutError, OSError) as error:
            raise BackendUnavailable(f"{method} {path}: {error}") from error
        except ValueError as error:  # a 2xx body that is not JSON
            raise BackendUnavailable(f"{method} {path}: response is not JSON") from error

    def _parse(self, what: str, parse: Any, payload: Any) -> Any:
        try:
            return parse(payload)
        except (KeyError, TypeError, ValueError) as error:
            raise BackendUnavailable(
                f"the shop API sent a {what} that does not match docs/order-api.md: {error}"
            ) from error

    def _write(self, path: str, body: dict[str, Any], order_number: str) -> Any:
        status, payload = self._call("POST", path, body)
        if status == 404:
            raise OrderNotFound(order_number)
        if status in (409, 422):
            raise RuleViolation(payload["detail"])
        return payload

    @staticmethod
    def _order_path(order_number: str, suffix: str = "") -> str:
        return f"/orders/{quote(order_number, safe='')}{suffix}"

    def get_order(self, order_number: str) -> Order | None:
        status, payload = self._call("GET", self._order_path(order_number))
        if status == 404:
            return None
        return self._parse("order", Order.from_dict, payload)

    def variants(self, product_id: str) -> list[Variant]:
        status, payload = self._call("GET", f"/products/{quote(product_id, safe='')}/variants")
        if status == 404:
            return []
        return self._parse("variant list", lambda rows: [Variant.from_dict(row) for row in rows], payload)

    def returns_for(self, order_number: str) -> list[ReturnRequest]:
        status, payload = self._call("GET", self._order_path(order_number, "/returns"))
        if status == 404:
            return []
        return self._parse("return list", lambda rows: [ReturnRequest.from_dict(row) for row in rows], payload)

    def create_return(
        self, order_number: str, skus: Sequence[str], reason: str, resolution: Resolution,
        exchange_to: str | None = None, now: datetime | None = None,
    ) -> ReturnRequest:
        # `now` is the shop's to decide over HTTP; the parameter exists for the in-process store.
        body = {"skus": list(skus), "reason": reason, "resolution": resolution, "exchange_to": exchange_to}
        payload = self._write(self._order_path(order_number, "/returns"), body, order_number)
        return self._parse("return", ReturnRequest.from_dict, payload)

    def cancel_order(self, order_number: str, now: datetime | None = None) -> Order:
        payload = self._write(self._order_path(order_number, "/cancel"), {}, order_number)
        return self._parse("order", Order.from_dict, payload)

    def refund_shipping(self, order_number: str, now: datetime | None = None) -> ShippingRefund:
        payload = self._write(self._order_path(order_number, "/shipping-refund"), {}, order_number)
        return self._parse("shipping refund", ShippingRefund.from_dict, payload)
