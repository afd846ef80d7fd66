"""Rasa's Facebook Messenger connector with a configurable Graph API URL.

Rasa builds a new `Messenger` (and its fbmessenger client) inside the webhook handler, so the
handler is restated here to build one pointed at `api_url`. It checks X-Hub-Signature-256 (HMAC-
SHA256 of the body with the app secret), which Meta sends with every event, rather than Rasa's
SHA-1 X-Hub-Signature; a request without a valid one is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger
from rasa.core.channels.facebook import MessengerBot as RasaMessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import widget_only

logger = logging.getLogger(__name__)

GRAPH_API = "https://graph.facebook.com"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def signed_by_meta(app_secret: str, body: bytes, header: str) -> bool:
    """Whether `header` is "sha256=" and the HMAC-SHA256 of `body` under the app secret."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


class MessengerBot(RasaMessengerBot):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if not widget_only(json_message):
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class BatonMessenger(Messenger):
    """Rasa's webhook handler, with its client pointed at the Graph API URL configured."""

    def __init__(self, page_access_token: str, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 api_url: str) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = messenger_client(page_access_token, api_url)


def messenger_client(access_token: str, api_url: str) -> MessengerClient:
    client = MessengerClient(access_token)
    client.graph_url = f"{api_url.rstrip('/')}/v{client.api_version}"
    return client


class FacebookInput(RasaFacebookInput):
    api_url: str = GRAPH_API

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("verify"), credentials.get("secret"), credentials.get("page-access-token"))
        channel.api_url = credentials.get("api_url") or GRAPH_API
        return channel

    def get_output_channel(self) -> OutputChannel:
        return MessengerBot(messenger_client(self.fb_access_token, self.api_url))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge"))
            logger.warning("Invalid fb verify token: it must match the webhook settings of the Facebook app.")
            return response.text("failure, invalid token")

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signed_by_meta(self.fb_secret or "", request.body, request.headers.get(SIGNATURE_HEADER) or ""):
                logger.warning("Messenger request refused: no or wrong %s (is the app secret right?)", SIGNATURE_HEADER)
                return response.text("not validated", status=403)
            messenger = BatonMessenger(self.fb_access_token, on_new_message, self.api_url)
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        return fb_webhook
