"""Words for what the queue shows: the channel as a customer would name it, the customer as a
name or a short visitor number (never a raw session hash), and the priority as a word."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

# Rasa's input channel names (each channel's name()) and what an agent calls them.
CHANNEL_LABELS: Mapping[str, str] = {
    "socketio": "Website chat",
    "rest": "API",
    "telegram": "Telegram",
    "twilio": "SMS",
    "facebook": "Messenger",
    "slack": "Slack",
}
CHANNEL_NAMES: tuple[str, ...] = tuple(CHANNEL_LABELS)

# Priority (handoff/escalations/queue.py: 100 x frustration + 10 a minute waited + 25 a
# re-announcement) as a word: "urgent" is a very frustrated customer or a quarter of an hour of
# waiting, "high" half that.
PRIORITY_WORDS: tuple[tuple[float, str], ...] = ((150.0, "urgent"), (75.0, "high"), (25.0, "normal"))


# Twilio's connector carries SMS and WhatsApp under one channel name; WhatsApp senders say so.
WHATSAPP_CHANNEL = "twilio"  # Rasa's channel name (bot/channels/twilio.py)
WHATSAPP_SENDER_PREFIX = "whatsapp:"  # Twilio's From for WhatsApp; a plain number is SMS


def is_whatsapp(channel: str | None, sender_id: str | None) -> bool:
    return channel == WHATSAPP_CHANNEL and bool(sender_id) and str(sender_id).startswith(WHATSAPP_SENDER_PREFIX)


def channel_label(channel: str | None, sender_id: str | None = None) -> str:
    """`sender_id` tells WhatsApp from SMS on Twilio's channel; without it, Twilio reads "SMS"."""
    if not channel:
        return "Unknown channel"
    if is_whatsapp(channel, sender_id):
        return "WhatsApp"
    return CHANNEL_LABELS.get(channel, channel.replace("_", " ").capitalize())


def visitor_number(sender_id: str) -> int:
    """A stable 4-digit number per conversation: short enough to say on the phone, and the
    session id (which lets anyone holding it read the conversation) stays off the screen."""
    return int(hashlib.sha256(sender_id.encode()).hexdigest()[:8], 16) % 9000 + 1000


def customer_label(sender_id: str, packet: Mapping[str, Any]) -> str:
    """The verified name when the customer proved an order is theirs, else "Visitor NNNN"."""
    identity = packet.get("identity")
    if isinstance(identity, Mapping) and identity.get("verified") is True:
        name = identity.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()[:80]
    return f"Visitor {visitor_number(sender_id)}"


def priority_word(priority: float | None) -> str | None:
    if priority is None:
        return None
    return next((word for bar, word in PRIORITY_WORDS if priority >= bar), "low")


def order_number(packet: Mapping[str, Any]) -> str | None:
    """The order the conversation is about, as the order backend writes it when it answered."""
    order, identity = packet.get("order"), packet.get("identity")
    for source, key in ((order, "number"), (identity, "order_number")):
        if isinstance(source, Mapping) and isinstance(source.get(key), str) and source[key].strip():
            return str(source[key]).strip()[:40]
    return None
