"""Typed dependencies the routes declare: settings, Redis, the live stores."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from handoff.conversations import ConversationStore
from handoff.settings import HandoffSettings, get_settings
from handoff.stream.consumer import StreamConsumer


def get_redis(request: Request) -> Redis:
    return request.app.state.redis


def get_consumer(request: Request) -> StreamConsumer:
    return request.app.state.consumer


def get_conversations(request: Request) -> ConversationStore:
    return request.app.state.conversations


SettingsDep = Annotated[HandoffSettings, Depends(get_settings)]
RedisDep = Annotated[Redis, Depends(get_redis)]
ConsumerDep = Annotated[StreamConsumer, Depends(get_consumer)]
ConversationsDep = Annotated[ConversationStore, Depends(get_conversations)]
