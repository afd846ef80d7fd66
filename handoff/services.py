"""Everything the handoff service runs, built and started in order and stopped in reverse:
Redis, the database (tables created, demo accounts seeded), the queue, presence, the live
channel, the Rasa client, the escalation service, and the background tasks (stream consumer,
live subscriber, re-announcer). main.py's lifespan is a call to start() and stop()."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from handoff.auth.accounts import Accounts
from handoff.auth.tokens import TokenIssuer
from handoff.clients.rasa import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.escalations.queue import EscalationQueue
from handoff.escalations.reannounce import Reannouncer
from handoff.escalations.service import EscalationService
from handoff.realtime.live import LiveHub
from handoff.realtime.presence import Presence
from handoff.settings import HandoffSettings
from handoff.store import Database
from handoff.store import escalations as escalation_rows
from handoff.stream.consumer import Handler, StreamConsumer

logger = logging.getLogger(__name__)
# Builds the engine's per-event hook from the running services (the ENGINE plugs in here).
EngineFactory = Callable[["Services"], Handler]


@dataclass
class Services:
    settings: HandoffSettings
    redis: Redis
    db: Database
    conversations: ConversationStore
    accounts: Accounts
    tokens: TokenIssuer
    queue: EscalationQueue
    presence: Presence
    live: LiveHub
    rasa: RasaClient
    escalations: EscalationService
    reannouncer: Reannouncer
    consumer: StreamConsumer | None = None
    engine: Any = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    async def start(cls, settings: HandoffSettings, engine_factory: EngineFactory | None = None,
                    *, consume: bool = True) -> Services:
        redis = Redis.from_url(settings.redis_url)
        db = Database(settings.effective_database_url)
        await db.start()
        accounts = Accounts(db, settings.default_capacity, settings.bcrypt_rounds)
        await accounts.seed_demo(settings.demo_password)
        prefix = settings.key_prefix
        queue, live = EscalationQueue(redis, prefix), LiveHub(redis, prefix)
        rasa = RasaClient(settings.rasa_url, settings.rasa_token, timeout=settings.rasa_timeout_seconds)
        escalations = EscalationService(db, queue, live, rasa)
        services = cls(
            settings=settings, redis=redis, db=db, conversations=ConversationStore(redis, prefix),
            accounts=accounts, tokens=TokenIssuer(settings.secret_key(), settings.token_ttl_seconds),
            queue=queue, presence=Presence(redis, prefix, settings.presence_ttl_seconds), live=live, rasa=rasa,
            escalations=escalations, reannouncer=Reannouncer(escalations, settings.reannounce_seconds),
        )
        # The database says what is queued; Redis may have been flushed or be new.
        await queue.sync(await db.run(escalation_rows.queued), time.time())
        services._spawn(live.run(services._stop), "live-channel")
        services._spawn(services.reannouncer.run(services._stop), "reannounce")
        if consume:
            on_applied = engine_factory(services) if engine_factory else None
            services.consumer = StreamConsumer(redis, settings, services.conversations.apply, on_applied)
            services._spawn(services.consumer.run(services._stop), "stream-consumer")
        with contextlib.suppress(TimeoutError):  # pushes published before this would be lost
            await asyncio.wait_for(live.subscribed.wait(), timeout=5)
        return services

    def _spawn(self, work: Any, name: str) -> None:
        self._tasks.append(asyncio.create_task(work, name=name))

    async def stop(self) -> None:
        self._stop.set()
        for task in reversed(self._tasks):
            try:
                await asyncio.wait_for(task, timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                logger.exception("background task %s failed", task.get_name())
        await self.rasa.aclose()
        await self.db.close()
        await self.redis.aclose()
