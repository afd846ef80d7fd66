"""The action server's configuration: every environment variable it reads, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSettings:
    knowledge_url: str
    knowledge_timeout: float


def load_settings() -> ActionSettings:
    return ActionSettings(
        knowledge_url=os.environ.get("BATON_KNOWLEDGE_URL", "http://127.0.0.1:8001").rstrip("/"),
        knowledge_timeout=float(os.environ.get("BATON_KNOWLEDGE_TIMEOUT", "5")),
    )
