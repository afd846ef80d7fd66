"""Rasa's Twilio connector (SMS and WhatsApp) with a configurable REST API URL."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput

from bot.channels import widget_only

TWILIO_API = "https://api.twilio.com"


class TwilioOutput(RasaTwilioOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if not widget_only(json_message):
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class TwilioInput(RasaTwilioInput):
    api_url: str = TWILIO_API

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("account_sid"), credentials.get("auth_token"), credentials.get("twilio_number"))
        channel.api_url = credentials.get("api_url") or TWILIO_API
        return channel

    def get_output_channel(self) -> OutputChannel:
        output = TwilioOutput(self.account_sid, self.auth_token, self.twilio_number)
        output.api.base_url = self.api_url
        return output
