"""Rasa's REST and callback channels, for integrations and tests, closed to strangers.

Rasa 3.6's REST channel takes any sender id from anyone who can reach the port, and records the
body's `input_channel` as the conversation's channel: a caller could write as any customer, or
claim to be on Telegram or WhatsApp so that replies sent to the latest channel went to whatever
chat id or phone number it named. Here:
- every call needs the JWT Rasa's HTTP API takes (`Authorization: Bearer`, signed with Rasa's API
  secret, bot/serve.py): role `admin`, or role `user` whose username is the sender. Checked by
  the same sanic-jwt set-up that guards the HTTP API, so there is one secret and one rule; a Rasa
  started without an API secret refuses every call.
- the channel recorded is always the channel's own name, whatever the body says.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.callback import CallbackInput as RasaCallbackInput
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


async def authorized(request: Request) -> bool:
    """Whether the request carries a JWT Rasa's HTTP API would accept for its sender."""
    auth = getattr(request.app.ctx, "auth", None)
    if not request.app.config.get("USE_JWT") or auth is None:
        return False  # no API secret: nobody can be told apart from anybody
    try:
        if not await auth.is_authenticated(request):
            return False
        payload = await auth.extract_payload(request)
    except Exception:  # a malformed header or token is a refusal, not a server error
        return False
    user = payload.get("user") if isinstance(payload, dict) else None
    if not isinstance(user, dict):
        return False
    body = request.json if request.content_type.startswith("application/json") else None
    sender = body.get("sender") if isinstance(body, dict) else None
    return user.get("role") == "admin" or (
        user.get("role") == "user" and sender is not None and user.get("username") == sender
    )


def guard(blueprint: Blueprint) -> Blueprint:
    """Refuses the blueprint's webhook to callers without the JWT."""

    @blueprint.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.method != "POST":
            return None  # the health route
        try:
            allowed = await authorized(request)
        except Exception:  # e.g. a body that is not JSON
            allowed = False
        if not allowed:
            return response.json(
                {"error": "this channel needs Rasa's API JWT as Authorization: Bearer"}, status=HTTPStatus.UNAUTHORIZED
            )
        return None

    return blueprint


class RestInput(RasaRestInput):
    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return guard(super().blueprint(on_new_message))


class CallbackInput(RasaCallbackInput):
    """Records its own name already (Rasa's handler ignores the body's channel); needs the JWT."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return guard(super().blueprint(on_new_message))
