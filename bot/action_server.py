"""The action server as the stack runs it (stack/Procfile): rasa_sdk's app, bound to the given
interface, answering only Rasa.

rasa_sdk alone binds 0.0.0.0 and runs whatever tracker it is sent, so anyone who reaches its port
could forge `order_verified` and read or change orders. Here every route but /health needs
`Authorization: Bearer <ACTIONS_TOKEN>` (Rasa sends it, endpoints.yml), and a failing action answers
with a generic error: rasa_sdk's own handler would echo the exception text and the request body.
The token comes from the environment only, so it is in no command line.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from collections.abc import Sequence

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_ENV = "ACTIONS_TOKEN"
OPEN_PATHS = frozenset({"/health"})  # readiness checks (stack/health.py); says nothing but "ok"

logger = logging.getLogger(__name__)


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    # compare_digest: the time taken says nothing about how much of the token was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def build_app(actions: str, token: str) -> Sanic:
    if not token:
        raise ValueError(f"{TOKEN_ENV} is empty: the action server would answer anyone")
    # No CORS: no browser has any business calling the action server.
    app = create_app(actions, cors_origins="")

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if bearer_matches(request.headers.get("authorization"), token):
            return None
        return response.json({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})

    async def generic_error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException) and 400 <= exception.status_code < 500:
            return response.json({"error": "bad request"}, status=exception.status_code)
        logger.error("action server: %s %s failed", request.method, request.path, exc_info=exception)
        return response.json({"error": "internal error"}, status=500)

    app.register_middleware(require_token, "request")
    # Replaces rasa_sdk's handler for Exception (the last one registered for a type wins).
    app.error_handler.add(Exception, generic_error)
    return app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Baton's action server: rasa_sdk behind a shared secret")
    parser.add_argument("--actions", default="bot.actions", help="package of the custom actions")
    parser.add_argument("--host", required=True, help="interface to listen on")
    parser.add_argument("--port", type=int, required=True)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = build_app(args.actions, os.environ.get(TOKEN_ENV, "").strip())
    logger.info("Action server listening on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
