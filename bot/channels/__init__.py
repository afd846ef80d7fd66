"""Rasa's messaging-app connectors (Telegram, Twilio/WhatsApp, Facebook Messenger, Slack), with
two changes: the provider's API base URL is a credential (`api_url`, default the provider's
public API), which lets a Telegram local Bot API server or a proxy sit in front and lets the tests
catch every outbound call on loopback; and the widget-only custom payload of agent messages is
not sent to the app (see widget_only). credentials.yml names these classes; their webhook paths
stay Rasa's (`/webhooks/telegram/webhook`, ...), because name() is unchanged.
"""

from __future__ import annotations

from typing import Any


def widget_only(json_message: Any) -> bool:
    """Baton's custom payload for the chat widget ({"data": {"kind": "agent_message", ...}}: the
    agent's name, join/leave notices; the kinds are in contract.bot_handoff). Its text is also in
    the bot event itself, which every channel sends; the payload would reach Twilio as a bad API
    argument (HTTP 500 from Rasa) and Slack or Messenger as an empty message, so the messaging
    connectors skip it."""
    if not isinstance(json_message, dict) or set(json_message) - {"data", "room"}:
        return False
    data = json_message.get("data")
    return isinstance(data, dict) and isinstance(data.get("kind"), str)
