"""The handoff service's ASGI app: `uvicorn handoff.main:app`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from redis.asyncio import Redis

from handoff.api.routes import health, pages, widget
from handoff.conversations import ConversationStore
from handoff.settings import get_settings
from handoff.stream.consumer import StreamConsumer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    conversations = ConversationStore(redis, settings.key_prefix)
    consumer = StreamConsumer(redis, settings, conversations.apply)
    app.state.redis, app.state.conversations, app.state.consumer = redis, conversations, consumer
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop), name="stream-consumer")
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)
        await redis.aclose()


app = FastAPI(title="Baton handoff service", lifespan=lifespan)
app.include_router(health.router)
app.include_router(pages.router)
app.include_router(widget.router)
