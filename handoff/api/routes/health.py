"""GET /health: is Redis reachable, is the stream consumer running, how far behind is it,
are entries failing or dead-lettered (status `degraded`), does the database answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from handoff.api.dependency_health import degraded, dependency_states
from handoff.api.deps import ConsumerDep, RedisDep, ServicesDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(redis: RedisDep, consumer: ConsumerDep, services: ServicesDep, response: Response) -> dict[str, Any]:
    body: dict[str, Any] = {"service": "handoff", "status": "ok", "processed": consumer.processed}
    try:
        await redis.ping()
        body["stream"] = {"name": consumer.stream, "group": consumer.group, **await consumer.lag()}
        # Entries that failed are kept (retried, or dead-lettered for an operator), but each is
        # a conversation that did not go as it should: not "ok" until someone has looked.
        body["dead_letters"] = await consumer.dead_letters.summary()
        body["failing_conversations"] = len(consumer.failing)
        if body["dead_letters"]["count"] or consumer.failing:
            body["status"] = "degraded"
    except RedisError as error:
        response.status_code = 503
        body.update(status="unavailable", error=f"redis: {error}")
    try:
        await services.db.run(lambda session: session.execute(text("SELECT 1")))
        body["database"] = services.db.dialect
    except SQLAlchemyError as error:
        response.status_code = 503
        body.update(status="unavailable", error=f"database: {type(error).__name__}: {error}"[:500])
    if consumer.last_error:
        body["last_error"] = consumer.last_error
    # Rasa or the knowledge service down: degraded (200), the rest of the service keeps serving.
    body["dependencies"] = await dependency_states(services)
    down = degraded(body["dependencies"])
    if down:  # named whatever else is wrong, so an operator sees every cause at once
        body["degraded"] = down
        if body["status"] == "ok":
            body["status"] = "degraded"
    return body
