"""Rasa's Telegram connector with a configurable Bot API URL, and without its event-loop trap.

Rasa 3.6's TelegramInput.get_output_channel() calls asyncio.run(set_webhook(...)) every time it
is asked for an output channel. At start-up that binds the bot's HTTP session to a loop that is
then closed, and from the HTTP API (an agent's reply sent with output_channel=latest) it raises
"asyncio.run() cannot be called from a running event loop". Here one output channel is made
lazily inside the server's loop, and the webhook is registered once after the server started.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput
from sanic import Blueprint

logger = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"


class TelegramInput(RasaTelegramInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"))
        channel.api_url = credentials.get("api_url") or TELEGRAM_API
        return channel

    api_url: str = TELEGRAM_API
    _output: TelegramOutput | None = None

    def get_output_channel(self) -> TelegramOutput:
        if self._output is None:
            output = TelegramOutput(self.access_token)
            output.server = TelegramAPIServer.from_base(self.api_url)
            self._output = output
        return self._output

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.listener("after_server_start")
        async def register_webhook(*_: Any) -> None:
            if not self.webhook_url:
                return
            try:
                await self.get_output_channel().set_webhook(url=self.webhook_url)
                logger.info("Telegram webhook set to %s", self.webhook_url)
            except Exception as error:
                logger.error("Telegram webhook could not be set (%s); messages arrive once it is", error)

        return blueprint
