"""Rasa's Telegram connector with a configurable Bot API URL, and without its event-loop trap.

Rasa 3.6's TelegramInput.get_output_channel() calls asyncio.run(set_webhook(...)) every time it
is asked for an output channel. At start-up that binds the bot's HTTP session to a loop that is
then closed, and from the HTTP API (an agent's reply sent with output_channel=latest) it raises
"asyncio.run() cannot be called from a running event loop". Here one output channel is made
lazily inside the server's loop, and the webhook is registered once after the server started.

Rasa's webhook takes any POST as an update from Telegram, so anyone could write as any chat id
(and have the bot, or an agent, answer that chat). Here the webhook is registered with a
`secret_token`, which Telegram sends back in X-Telegram-Bot-Api-Secret-Token on every update; an
update without it is refused. The token is `secret_token` (TELEGRAM_SECRET_TOKEN), else derived
from the bot token (only its holder can register a webhook anyway). Rasa's open `/set_webhook`
route, which would register the webhook again without the secret, is closed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def derived_secret_token(access_token: str) -> str:
    """A webhook secret from the bot token: Telegram allows 1-256 of A-Z, a-z, 0-9, _ and -."""
    return hmac.new(access_token.encode(), b"baton telegram webhook", hashlib.sha256).hexdigest()


class TelegramInput(RasaTelegramInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"))
        channel.api_url = credentials.get("api_url") or TELEGRAM_API
        channel.secret_token = credentials.get("secret_token") or derived_secret_token(channel.access_token or "")
        return channel

    api_url: str = TELEGRAM_API
    secret_token: str = ""
    _output: TelegramOutput | None = None

    def get_output_channel(self) -> TelegramOutput:
        if self._output is None:
            output = TelegramOutput(self.access_token)
            output.server = TelegramAPIServer.from_base(self.api_url)
            self._output = output
        return self._output

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def from_telegram_only(request: Request) -> HTTPResponse | None:
            if request.path.rstrip("/").endswith("/set_webhook"):
                return response.text("the webhook is registered at start (TELEGRAM_WEBHOOK_URL)", status=404)
            if request.method == "POST":
                given = request.headers.get(SECRET_HEADER, "")
                if not self.secret_token or not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                    logger.warning("Telegram update refused: no or wrong %s", SECRET_HEADER)
                    return response.text("not from Telegram", status=403)
            return None

        @blueprint.listener("after_server_start")
        async def register_webhook(*_: Any) -> None:
            if not self.webhook_url:
                return
            try:
                # aiogram 2.15's set_webhook() predates secret_token, so the method is called as is.
                await self.get_output_channel().request(
                    "setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token}
                )
                logger.info("Telegram webhook set to %s", self.webhook_url)
            except Exception as error:
                logger.error("Telegram webhook could not be set (%s); messages arrive once it is", error)

        return blueprint
