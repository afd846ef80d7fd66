"""Rasa's Twilio connector (SMS and WhatsApp) with a configurable REST API URL, taking only
requests Twilio signed.

Rasa's webhook takes any POST as a message from Twilio, so anyone could write as any phone
number and have the shop answer it. Here every request must carry a valid X-Twilio-Signature,
checked with the `twilio` package's RequestValidator against the account's auth token. Twilio
signs the URL it called: behind a proxy that is not the URL Rasa sees, so `webhook_url`
(TWILIO_WEBHOOK_URL) names it; empty: the URL as received.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import widget_only

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"


class TwilioOutput(RasaTwilioOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if not widget_only(json_message):
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class TwilioInput(RasaTwilioInput):
    api_url: str = TWILIO_API
    webhook_url: str = ""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("account_sid"), credentials.get("auth_token"), credentials.get("twilio_number"))
        channel.api_url = credentials.get("api_url") or TWILIO_API
        channel.webhook_url = credentials.get("webhook_url") or ""
        return channel

    def get_output_channel(self) -> OutputChannel:
        output = TwilioOutput(self.account_sid, self.auth_token, self.twilio_number)
        output.api.base_url = self.api_url
        return output

    def signed_by_twilio(self, request: Request) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not self.auth_token:
            return False
        url = self.webhook_url or request.url
        try:
            return RequestValidator(self.auth_token).validate(url, request.form, signature)
        except Exception:  # a body that is not a form is not Twilio's
            return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def from_twilio_only(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and not self.signed_by_twilio(request):
                logger.warning("Twilio request refused: no or wrong %s", SIGNATURE_HEADER)
                return response.text("not signed by Twilio", status=403)
            return None

        return blueprint
