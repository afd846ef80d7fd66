"""Builds the engine from the service's settings and the running services: main.py passes
`engine_hook` to Services.start, which hands the engine's `on_applied` to the stream consumer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from handoff.clients.knowledge import KnowledgeSuggestions
from handoff.clients.orders import configured_order_lookup
from handoff.clients.rasa import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.engine.availability import AvailabilityCheck, QueueLength
from handoff.engine.context import ContextBuilder, HistoryLookup
from handoff.engine.hook import HandoffEngine
from handoff.engine.hours import BusinessHours
from handoff.escalations.service import EscalationService
from handoff.realtime.presence import Presence
from handoff.services import Services
from handoff.settings import HandoffSettings
from handoff.store import escalations as rows
from handoff.stream.consumer import Handler

logger = logging.getLogger(__name__)


def now_utc() -> datetime:
    return datetime.now(UTC)


def queue_length_of(escalations: EscalationService) -> QueueLength:
    """How many escalations of a team wait in the queue (the database is the record of it)."""
    async def queue_length(team: str) -> int:
        queued = await escalations.db.run(rows.queued)
        return sum(1 for escalation in queued if escalation.team == team)

    return queue_length


def history_of(escalations: EscalationService) -> HistoryLookup:
    """Earlier escalations of a customer (by conversation or email), as the packet shows them."""
    async def history(sender_id: str, email: str | None) -> list[dict[str, Any]]:
        return [{"id": e.id, "reason": e.reason, "team": e.team, "state": e.state, "outcome": e.outcome,
                 "created_at": e.created_at, "closed_at": e.closed_at, "agent": e.agent_name,
                 "summary_line": e.summary_line, "csat_rating": e.csat_rating, "csat_comment": e.csat_comment}
                for e in await escalations.history_for(sender_id, email)]

    return history


def build_engine(settings: HandoffSettings, *, redis: Redis, conversations: ConversationStore,
                 escalations: EscalationService, rasa: RasaClient, presence: Presence) -> HandoffEngine:
    from handoff.detection import Detector  # loads its models: only when the service starts

    hours = BusinessHours.parse(settings.support_hours, settings.support_timezone)
    availability = AvailabilityCheck(presence, hours, queue_length_of(escalations),
                                     settings.average_handling_minutes * 60, now_utc)
    context = ContextBuilder(orders=configured_order_lookup(), knowledge=KnowledgeSuggestions(settings.knowledge_url),
                             history=history_of(escalations))
    return HandoffEngine(
        redis=redis, prefix=settings.key_prefix, conversations=conversations, escalations=escalations, rasa=rasa,
        detector=Detector.from_config(settings.detection_config), availability=availability, context=context,
        hours=hours, timezone_label=settings.support_timezone_label, clock=now_utc,
        waiting_reminder_seconds=settings.waiting_reminder_seconds,
    )


def engine_hook(services: Services) -> Handler:
    """The EngineFactory main.py passes to Services.start: the engine, built from the running services."""
    engine = build_engine(services.settings, redis=services.redis, conversations=services.conversations,
                          escalations=services.escalations, rasa=services.rasa, presence=services.presence)
    services.engine = engine
    return engine.on_applied
