"""Rasa's Slack connector with a configurable Web API URL. Requests are checked by Rasa's own
code: X-Slack-Signature, the v0 HMAC-SHA256 of the timestamp and body under the signing secret,
with X-Slack-Request-Timestamp within five minutes (Slack's recommended window); anything else
gets a 400 (tests/security/test_channel_spoofing.py)."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput

from bot.channels import widget_only

SLACK_API = "https://slack.com/api/"


class SlackBot(RasaSlackBot):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if not widget_only(json_message):
            await super().send_custom_json(recipient_id, json_message, **kwargs)


class SlackInput(RasaSlackInput):
    api_url: str = SLACK_API

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SlackInput)
        channel.api_url = (credentials or {}).get("api_url") or SLACK_API
        return channel

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        output = SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)
        # slack_sdk joins method names onto base_url, so it must end with a slash.
        output.client.base_url = self.api_url.rstrip("/") + "/"
        return output
