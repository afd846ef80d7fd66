"""The Rasa process's own configuration (bot/serve.py and what it installs into Rasa): the
environment variables it reads, in one place. The action server's are in bot/actions/settings.py."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from defaults import (
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES_PER_MINUTE,
    MESSAGE_ID_KEY_PREFIX,
    MESSAGE_RATE_KEY_PREFIX,
    REDIS_URL,
)
from defaults.env import integer, text


@dataclass(frozen=True)
class RasaSettings:
    # The longest message a customer may send on any channel (bot/message_limits.py).
    max_message_chars: int = MAX_MESSAGE_CHARS
    # How many messages one sender may send a minute, on any channel (bot/message_rate.py).
    max_messages_per_minute: int = MAX_MESSAGES_PER_MINUTE
    # Where the rate is counted: the stack's Redis (stack/settings.py passes BATON_REDIS_URL).
    redis_url: str = field(default=REDIS_URL, repr=False)  # may hold the password
    message_rate_key_prefix: str = MESSAGE_RATE_KEY_PREFIX
    # Where the ids of handled messages are kept (bot/message_ids.py).
    message_id_key_prefix: str = MESSAGE_ID_KEY_PREFIX

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RasaSettings:
        return cls(
            max_message_chars=integer(env, "BATON_MAX_MESSAGE_CHARS", MAX_MESSAGE_CHARS, low=1, high=1_000_000),
            max_messages_per_minute=integer(env, "BATON_MAX_MESSAGES_PER_MINUTE", MAX_MESSAGES_PER_MINUTE, low=1,
                                            high=100_000),
            redis_url=text(env, "BATON_REDIS_URL", REDIS_URL),
        )
