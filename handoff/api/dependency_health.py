"""What the handoff service depends on, each checked on its own, for GET /health: Redis (the
event stream, the queue), the database (escalations, agents), Rasa (pausing the bot, agents'
messages) and the knowledge service (articles in the context packet, the console's search).

One of them down makes the service `degraded`, named with why, rather than down: the others
keep serving, and what waits on the missing one (the stream, Rasa's replies) catches up when it
is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from handoff.services import Services

CHECK_TIMEOUT_SECONDS = 2.0
OK = "ok"


async def _state(check: Callable[[], Awaitable[object]]) -> str:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"down: no answer within {CHECK_TIMEOUT_SECONDS:.0f} s"
    except (RedisError, SQLAlchemyError, httpx.HTTPError, OSError) as error:
        # The class only: messages of these may hold addresses of the machine, never secrets,
        # but they are long and add nothing for the operator.
        return f"down: {type(error).__name__}"
    return OK


def _answers(http: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[object]]:
    async def check() -> object:
        # Any HTTP answer means the process is up; Rasa's / and knowledge's /health need no token.
        return (await http.get(url)).raise_for_status()

    return check


async def dependency_states(services: Services) -> dict[str, str]:
    """Each dependency's state: "ok" or "down: <why>"."""
    settings = services.settings

    async def redis() -> object:
        return await services.redis.ping()

    async def database() -> object:
        return await services.db.run(lambda session: session.execute(text("SELECT 1")))

    async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_SECONDS) as http:
        checks = {
            "redis": redis,
            "database": database,
            "rasa": _answers(http, f"{settings.rasa_url.rstrip('/')}/"),
            "knowledge": _answers(http, f"{settings.knowledge_url.rstrip('/')}/health"),
        }
        states = await asyncio.gather(*(_state(check) for check in checks.values()))
    return dict(zip(checks, states, strict=True))


def degraded(states: dict[str, str]) -> list[str]:
    """The dependencies that are down, by name."""
    return [name for name, state in states.items() if state != OK]
