"""A stand-in for a shop's REST API (docs/order-api.md) on 127.0.0.1, for testing the HTTP adapter
at the HTTP boundary. It serves a DemoStore, so both backends answer from the same data, and it
can be told to misbehave (5xx, malformed bodies, slowness) the way real APIs do."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from orders.demo_store import DemoStore
from orders.errors import OrderNotFound, RuleViolation


class ShopApiServer:
    def __init__(self, store: DemoStore, token: str = "shop-token") -> None:
        self.store = store
        self.token = token
        self.fail_with: int | None = None  # answer every request with this status
        self.garbage = False  # answer 200 with a body that is not the documented JSON
        self.delay = 0.0
        self.requests: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ShopApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str) -> None:
                api.requests.append((method, self.path))
                time.sleep(api.delay)
                if self.headers.get("Authorization") != f"Bearer {api.token}":
                    return self._send(401, {"detail": "missing or wrong bearer token"})
                if api.fail_with:
                    return self._send(api.fail_with, {"detail": "the shop is having a bad day"})
                if api.garbage:
                    return self._send(200, {"unexpected": True})
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}") if method == "POST" else {}
                except ValueError:
                    return self._send(400, {"detail": "body is not JSON"})
                try:
                    status, payload = api.dispatch(method, self.path, body)
                except OrderNotFound as error:
                    status, payload = 404, {"detail": f"no order {error}"}
                except RuleViolation as error:
                    status, payload = 409, {"detail": str(error)}
                self._send(status, payload)

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

        return Handler

    def dispatch(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        store = self.store
        if match := re.fullmatch(r"/orders/([^/]+)", path):
            order = store.get_order(match[1]) if method == "GET" else None
            return (200, order.to_dict()) if order else (404, {"detail": "no such order"})
        if match := re.fullmatch(r"/orders/([^/]+)/returns", path):
            if store.get_order(match[1]) is None:
                return 404, {"detail": "no such order"}
            if method == "GET":
                return 200, [r.to_dict() for r in store.returns_for(match[1])]
            missing = [key for key in ("skus", "reason", "resolution") if key not in body]
            if missing:
                return 422, {"detail": f"missing {', '.join(missing)}"}
            request = store.create_return(match[1], body["skus"], body["reason"], body["resolution"],
                                          body.get("exchange_to"))
            return 201, request.to_dict()
        if (match := re.fullmatch(r"/orders/([^/]+)/cancel", path)) and method == "POST":
            return 200, store.cancel_order(match[1]).to_dict()
        if (match := re.fullmatch(r"/orders/([^/]+)/shipping-refund", path)) and method == "POST":
            return 201, store.refund_shipping(match[1]).to_dict()
        if match := re.fullmatch(r"/products/([^/]+)/variants", path):
            variants = store.variants(match[1])
            return (200, [v.to_dict() for v in variants]) if variants else (404, {"detail": "no such product"})
        return 404, {"detail": f"no route {method} {path}"}
