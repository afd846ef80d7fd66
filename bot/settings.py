"""The Rasa process's own configuration (bot/serve.py and what it installs into Rasa): the
environment variables it reads, in one place. The action server's are in bot/actions/settings.py."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from defaults import MAX_MESSAGE_CHARS
from defaults.env import integer


@dataclass(frozen=True)
class RasaSettings:
    # The longest message a customer may send on any channel (bot/message_limits.py).
    max_message_chars: int = MAX_MESSAGE_CHARS

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RasaSettings:
        return cls(max_message_chars=integer(env, "BATON_MAX_MESSAGE_CHARS", MAX_MESSAGE_CHARS, low=1,
                                             high=1_000_000))
