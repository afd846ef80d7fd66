"""GET /health: is Redis reachable, is the stream consumer running, how far behind is it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from redis.exceptions import RedisError

from handoff.api.deps import ConsumerDep, RedisDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(redis: RedisDep, consumer: ConsumerDep, response: Response) -> dict[str, Any]:
    body: dict[str, Any] = {"service": "handoff", "status": "ok", "processed": consumer.processed}
    try:
        await redis.ping()
        body["stream"] = {"name": consumer.stream, "group": consumer.group, **await consumer.lag()}
    except RedisError as error:
        response.status_code = 503
        body.update(status="unavailable", error=f"redis: {error}")
    if consumer.last_error:
        body["last_error"] = consumer.last_error
    return body
