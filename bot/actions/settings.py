"""The action server's configuration: every environment variable it reads, in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from defaults import KNOWLEDGE_PORT, REDIS_URL, VERIFICATION_KEY_PREFIX, url
from defaults.env import number, text


@dataclass(frozen=True)
class ActionSettings:
    knowledge_url: str = url(KNOWLEDGE_PORT)
    knowledge_timeout: float = 5.0
    # Failed verifications and order locks (bot/actions/order_flows/lockout.py): in the stack's
    # Redis (stack/settings.py passes BATON_REDIS_URL to every process), outside any tracker.
    redis_url: str = REDIS_URL
    lockout_key_prefix: str = VERIFICATION_KEY_PREFIX

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ActionSettings:
        return cls(
            knowledge_url=text(env, "BATON_KNOWLEDGE_URL", url(KNOWLEDGE_PORT)).rstrip("/"),
            knowledge_timeout=number(env, "BATON_KNOWLEDGE_TIMEOUT", 5.0, positive=True),
            redis_url=text(env, "BATON_REDIS_URL", REDIS_URL),
        )
