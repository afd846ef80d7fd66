"""The engine's collaborators, real: Redis (the shared fixture), the escalation store on a SQLite
file, the queue, presence, and the EscalationService the engine opens escalations with."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis

from handoff.clients.rasa import RasaClient
from handoff.escalations.queue import EscalationQueue
from handoff.escalations.service import EscalationService
from handoff.realtime.live import LiveHub
from handoff.realtime.presence import Presence
from handoff.store import Agent, Database

PREFIX = "test:handoff"


@dataclass
class Services:
    redis: Redis
    db: Database
    presence: Presence
    escalations: EscalationService


def agent(username: str, teams: tuple[str, ...], agent_id: int = 1) -> Agent:
    return Agent(id=agent_id, username=username, display_name=username.title(), role="agent", teams=teams,
                 capacity=3, created_at=time.time())


@pytest.fixture
async def services(redis_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    redis = Redis.from_url(redis_url)
    db = Database(f"sqlite:///{tmp_path / 'handoff.db'}")
    db.migrate()
    # No Rasa is needed to open, list or rate escalations; a closed port makes any call fail loudly.
    rasa = RasaClient("http://127.0.0.1:9", "unused")
    service = EscalationService(db, EscalationQueue(redis, PREFIX), LiveHub(redis, PREFIX), rasa)
    yield Services(redis, db, Presence(redis, PREFIX, ttl_seconds=60), service)
    await rasa.aclose()
    await db.close()
    await redis.aclose()
