"""The handoff service's configuration: every environment variable it reads, in one place."""

from __future__ import annotations

import os
import socket
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HandoffSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    redis_url: str = Field("redis://127.0.0.1:6379/0", alias="BATON_REDIS_URL")
    event_stream: str = Field("baton:events", alias="BATON_EVENT_STREAM")
    consumer_group: str = Field("handoff", alias="HANDOFF_CONSUMER_GROUP")
    # Stable per replica, so a restarted replica picks up the entries it had not acknowledged.
    consumer_name: str = Field(default_factory=lambda: f"{socket.gethostname()}-handoff", alias="HANDOFF_CONSUMER_NAME")
    # Entries another consumer has held this long without acknowledging are taken over.
    claim_idle_ms: int = Field(30_000, alias="HANDOFF_CLAIM_IDLE_MS")
    read_count: int = Field(100, alias="HANDOFF_READ_COUNT")
    read_block_ms: int = Field(1_000, alias="HANDOFF_READ_BLOCK_MS")
    key_prefix: str = Field("baton:handoff", alias="HANDOFF_KEY_PREFIX")
    rasa_url: str = Field("http://127.0.0.1:5005", alias="BATON_RASA_URL")
    rasa_token: str = Field(default_factory=lambda: os.environ.get("RASA_TOKEN", ""), alias="RASA_TOKEN")

    # --- chat widget (handoff/widget_sessions.py, handoff/api/routes/widget.py) ---
    # Signs the per-session secret a widget needs to read its history; empty: one kept in Redis.
    widget_key: str = Field("", alias="HANDOFF_WIDGET_KEY")
    # Rasa's socket.io URL as browsers reach it (behind a proxy it differs); empty: BATON_RASA_URL.
    widget_socket_url: str = Field("", alias="HANDOFF_WIDGET_SOCKET_URL")


@lru_cache
def get_settings() -> HandoffSettings:
    return HandoffSettings()
