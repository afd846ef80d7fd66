"""A closed socket.io WebSocket no longer leaves a traceback in Rasa's log.

Rasa's socket.io channel runs python-engineio on Sanic 21.12. When a WebSocket closes (every
widget visitor who leaves), engine.io's request handler returns None, as a WebSocket handler
does, but Sanic only accepts None from handlers it marked as WebSocket handlers and otherwise
logs `ServerError: Invalid response type None (need HTTPResponse)` with a traceback: known
upstream, open (sanic-org/sanic#2105 and #2572, miguelgrinberg/python-engineio#221). Those lines
buried the real errors the fuzz looks for (bench/fuzz.py), one per closed chat.

`install()` registers engine.io's endpoint through a handler that carries Sanic's `is_websocket`
mark, which only tells Sanic that a None answer means the connection was taken over; polling
requests are answered as before. For python-engineio 4.4 on Sanic 21.12 (Rasa 3.6.21's).
"""

from __future__ import annotations

from typing import Any

from engineio.async_drivers import sanic as engineio_sanic


def create_route(app: Any, engineio_server: Any, engineio_endpoint: str) -> None:
    async def handle_request(request: Any, *args: Any, **kwargs: Any) -> Any:
        return await engineio_server.handle_request(request, *args, **kwargs)

    handle_request.is_websocket = True  # type: ignore[attr-defined]
    app.add_route(handle_request, engineio_endpoint, methods=["GET", "POST", "OPTIONS"])
    app.enable_websocket()


def install() -> None:
    engineio_sanic._async["create_route"] = create_route


def installed() -> bool:
    return engineio_sanic._async["create_route"] is create_route
