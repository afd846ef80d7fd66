"""Everything the handoff service runs, built in this one place, started in order and stopped in
reverse: Redis, the database (tables created, demo accounts seeded in the demo), the queue, presence, the
live channel, the Rasa client, the escalation service, the engine, and the background tasks
(stream consumer, live subscriber, re-announcer). main.py's lifespan is a call to start() and
stop()."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from handoff.auth.accounts import Accounts
from handoff.auth.resume_links import ResumeLinks
from handoff.auth.throttle import LoginThrottle
from handoff.auth.tokens import TokenIssuer
from handoff.auth.widget_sessions import WidgetSessions
from handoff.clients.knowledge import KnowledgeSuggestions
from handoff.clients.orders import configured_order_lookup
from handoff.clients.rasa import RasaClient
from handoff.clients.smtp import SmtpClient, SmtpConfig
from handoff.conversations.store import ConversationStore
from handoff.customers.directory import CustomerDirectory
from handoff.customers.linker import CustomerLinker
from handoff.customers.retention import CustomerRetention
from handoff.detection.embeddings import CachedEncoder
from handoff.engine.availability import AvailabilityCheck, QueueLength
from handoff.engine.context import ContextBuilder, HistoryLookup
from handoff.engine.engine import HandoffEngine
from handoff.engine.hours import BusinessHours
from handoff.engine.sla_clock import BusinessClock
from handoff.escalations.auto_resolve import AutoResolver
from handoff.escalations.bot_tasks import BotTasks
from handoff.escalations.email_replies import EmailReplies
from handoff.escalations.followup_tasks import FollowUpTasks
from handoff.escalations.queue import EscalationQueue
from handoff.escalations.reach import ChannelReach
from handoff.escalations.reannounce import Reannouncer
from handoff.escalations.retention import RetentionSweeper
from handoff.escalations.service import EscalationService
from handoff.escalations.sla import SlaService
from handoff.escalations.sla_policy import SlaPolicy, Targets, parse_team_targets
from handoff.escalations.snoozes import SnoozeService
from handoff.insight.gaps import GapFinder
from handoff.insight.help_votes import HelpVotesReader
from handoff.realtime.live import LiveHub
from handoff.realtime.presence import Presence
from handoff.realtime.widget_streams import WidgetStreams
from handoff.settings import HandoffSettings
from handoff.store import Database
from handoff.store import escalations as escalation_rows
from handoff.stream.consumer import StreamConsumer
from handoff.stream.events import StreamEvent
from handoff.stream.reporting import StreamReporter
from handoff.tasks import cancel_and_wait

logger = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 5.0


@dataclass
class Services:
    settings: HandoffSettings
    redis: Redis
    db: Database
    conversations: ConversationStore
    accounts: Accounts
    tokens: TokenIssuer
    login_throttle: LoginThrottle
    queue: EscalationQueue
    presence: Presence
    live: LiveHub
    widget_streams: WidgetStreams
    rasa: RasaClient
    escalations: EscalationService
    reannouncer: Reannouncer
    snoozes: SnoozeService
    tasks: FollowUpTasks
    emails: EmailReplies
    auto_resolve: AutoResolver
    sla: SlaService
    consumer: StreamConsumer | None = None
    gaps: GapFinder | None = None  # the knowledge-gap report and its sentence model (issue 22)
    # None when started without it (the agents' API tests): nothing then opens escalations.
    engine: HandoffEngine | None = None
    customers: CustomerDirectory | None = None  # set by start(); one customer across channels
    bot_tasks: BotTasks | None = None  # set by start(); the bot's check-back promises as tasks
    reach: ChannelReach | None = None  # set by start(); where a follow-up reaches the customer
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    async def start(cls, settings: HandoffSettings, *, engine: bool = False) -> Services:
        redis = Redis.from_url(settings.redis_url)
        db = Database(settings.effective_database_url)
        await db.start()
        accounts = Accounts(db, settings.default_capacity, settings.bcrypt_rounds)
        await seed_demo_accounts(settings, accounts)
        prefix = settings.key_prefix
        queue, live = EscalationQueue(redis, prefix), LiveHub(redis, prefix)
        rasa = RasaClient(settings.rasa_url, settings.rasa_token, timeout=settings.rasa_timeout_seconds)
        sla = sla_policy(settings)
        escalations = EscalationService(db, queue, live, rasa, sla)
        conversations = ConversationStore(redis, prefix, settings.retention_seconds,
                                          max_text_chars=settings.transcript_text_chars)
        presence = Presence(redis, prefix, settings.presence_ttl_seconds)
        services = cls(
            settings=settings, redis=redis, db=db, conversations=conversations,
            accounts=accounts, tokens=TokenIssuer(settings.secret_key(), settings.token_ttl_seconds),
            login_throttle=LoginThrottle(
                redis, prefix, max_per_account=settings.login_failures_per_account,
                max_per_address=settings.login_failures_per_address, window_seconds=settings.login_window_seconds,
                max_per_account_anywhere=settings.login_failures_per_account_anywhere,
                known_address_seconds=settings.login_known_address_days * 86_400),
            queue=queue, presence=presence, live=live, rasa=rasa,
            escalations=escalations, reannouncer=Reannouncer(escalations, settings.reannounce_seconds),
            snoozes=SnoozeService(escalations, online_check(presence), max_seconds=settings.snooze_max_days * 86_400,
                                  check_every=settings.snooze_check_seconds),
            tasks=FollowUpTasks(escalations, hours=support_hours(settings),
                                timezone_label=settings.support_timezone_label,
                                max_seconds=settings.task_max_days * 86_400,
                                overdue_after=settings.task_overdue_minutes * 60,
                                check_every=settings.task_check_seconds),
            emails=email_replies(settings, redis, escalations),
            auto_resolve=AutoResolver(escalations, after_seconds=settings.auto_resolve_hours * 3600,
                                      check_every=settings.auto_resolve_check_seconds, owner=settings.consumer_name),
            sla=SlaService(escalations, sla, check_every=settings.sla_check_seconds),
            widget_streams=WidgetStreams(redis, prefix, per_session=settings.widget_streams_per_session,
                                         per_replica=settings.widget_streams_per_replica),
        )
        live.listeners.append(services.widget_streams.dispatch)
        services.reach = ChannelReach(escalations, conversations)
        escalations.chat_router = services.reach.chat_target
        services.gaps = GapFinder(db, CachedEncoder)
        # The database says what is queued; Redis may have been flushed or be new.
        await queue.sync(await db.run(escalation_rows.queued), time.time())
        services._spawn(live.run(services._stop), "live-channel")
        services._spawn(services.reannouncer.run(services._stop), "reannounce")
        services._spawn(services.snoozes.run(services._stop), "snoozes")
        services._spawn(services.tasks.run(services._stop), "followup-tasks")
        services._spawn(services.auto_resolve.run(services._stop), "auto-resolve")
        services._spawn(services.sla.run(services._stop), "sla")
        services._spawn(RetentionSweeper(db, settings.retention_seconds).run(services._stop), "retention")
        if settings.knowledge_token:
            votes = HelpVotesReader(db, redis, prefix, settings.knowledge_url, settings.knowledge_token,
                                    settings.help_votes_seconds)
            services._spawn(votes.run(services._stop), "help-votes")
        services.customers = CustomerDirectory(escalations)
        services._spawn(CustomerRetention(db, settings.retention_seconds).run(services._stop), "customer-retention")
        if engine:
            services.engine = build_engine(settings, redis=redis, conversations=services.conversations,
                                           escalations=escalations, rasa=rasa, presence=services.presence,
                                           snoozes=services.snoozes, customers=services.customers)
        reporter = StreamReporter(db, services.conversations)
        linker = CustomerLinker(db, services.conversations, configured_order_lookup())
        engine_hook = services.engine.on_applied if services.engine else None
        services.bot_tasks = bot_tasks = BotTasks(services.tasks, max_seconds=settings.bot_task_max_days * 86_400)

        async def on_applied(event: StreamEvent) -> None:
            # Who wrote last (auto-resolve) first: a reply that reopens an auto-resolved escalation
            # must reach the engine as a message of an open one. Then the engine: its hand-over
            # decision must not wait for the reports. All are idempotent, so a retry after any
            # of them failed is harmless.
            await services.auto_resolve.observe(event)
            await services.sla.observe(event)
            await linker(event)  # before the engine: a hand-over's packet finds the customer
            if engine_hook is not None:
                await engine_hook(event)
            await bot_tasks.observe(event)  # after the engine: it opens the escalation the task is on
            await reporter(event)

        services.consumer = StreamConsumer(redis, settings, services.conversations.apply, on_applied)
        services._spawn(services.consumer.run(services._stop), "stream-consumer")
        with contextlib.suppress(TimeoutError):  # pushes published before this would be lost
            await asyncio.wait_for(live.subscribed.wait(), timeout=5)
        return services

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(work, name=name))

    async def stop(self) -> None:
        self._stop.set()
        # Each loop ends by itself once it sees _stop (within a read's block time); one still busy
        # after STOP_GRACE_SECONDS (a slow hand-over, say) is cancelled. Both waits are bounded:
        # a stuck task must not keep the service from stopping (handoff/tasks.py).
        if self._tasks:
            _, running = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            await cancel_and_wait(running, patience=STOP_GRACE_SECONDS)
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                logger.error("background task %s failed", task.get_name(), exc_info=task.exception())
        await self.rasa.aclose()
        await self.db.close()
        await self.redis.aclose()


async def seed_demo_accounts(settings: HandoffSettings, accounts: Accounts) -> None:
    """The demo's accounts, with their well-known password, only when HANDOFF_DEMO_MODE says this
    is the demo; never into a shop's store, which starts with no account at all."""
    if not settings.demo_mode:
        if not await accounts.all():
            logger.warning("no agent accounts yet: create the first admin with "
                           "`python -m handoff.auth.create_agent USERNAME --admin` (password on stdin)")
        return
    logger.warning(
        "\n%s\nDEMO MODE (HANDOFF_DEMO_MODE): the demo agent accounts maya, sam and admin are created in an "
        "empty store with a published password. Anyone who can reach this service can log in as an admin. "
        "Never run a shop's handoff service in demo mode.\n%s", "!" * 100, "!" * 100)
    await accounts.seed_demo(settings.demo_password)


# --- the engine: its parts, from the settings and the services above -----------------------


def email_replies(settings: HandoffSettings, redis: Redis, escalations: EscalationService) -> EmailReplies:
    links = ResumeLinks(WidgetSessions(redis, settings.key_prefix, settings.widget_key), settings.email_reply_url,
                        settings.email_link_days * 86_400)
    return EmailReplies(escalations, SmtpClient(SmtpConfig.from_settings(settings)), links,
                        sender=settings.email_from)


def now_utc() -> datetime:
    return datetime.now(UTC)


def support_hours(settings: HandoffSettings) -> BusinessHours:
    return BusinessHours.parse(settings.support_hours, settings.support_timezone)


def sla_policy(settings: HandoffSettings) -> SlaPolicy:
    default = Targets(first_response=settings.sla_first_response_minutes * 60,
                      next_response=settings.sla_next_response_minutes * 60,
                      resolution=settings.sla_resolution_hours * 3600)
    return SlaPolicy(BusinessClock(support_hours(settings)), default,
                     parse_team_targets(settings.sla_team_targets, default), warning_share=settings.sla_warning_share)


def online_check(presence: Presence) -> Callable[[str], Awaitable[bool]]:
    async def is_online(username: str) -> bool:
        return await presence.status(username) == "online"

    return is_online


def queue_length_of(escalations: EscalationService) -> QueueLength:
    """How many escalations of a team wait in the queue (the database is the record of it)."""
    async def queue_length(team: str) -> int:
        queued = await escalations.db.run(escalation_rows.queued)
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
                 escalations: EscalationService, rasa: RasaClient, presence: Presence,
                 snoozes: SnoozeService | None = None, customers: CustomerDirectory | None = None) -> HandoffEngine:
    from handoff.detection import Detector  # loads its models: only when the service starts

    hours = support_hours(settings)
    availability = AvailabilityCheck(presence, hours, queue_length_of(escalations),
                                     settings.average_handling_minutes * 60, now_utc)
    context = ContextBuilder(orders=configured_order_lookup(), knowledge=KnowledgeSuggestions(settings.knowledge_url),
                             history=history_of(escalations),
                             customers=customers.snapshot if customers else None)
    return HandoffEngine(
        redis=redis, prefix=settings.key_prefix, conversations=conversations, escalations=escalations, rasa=rasa,
        detector=Detector.from_config(settings.detection_config), availability=availability, context=context,
        hours=hours, timezone_label=settings.support_timezone_label, clock=now_utc,
        waiting_reminder_seconds=settings.waiting_reminder_seconds, owner=settings.consumer_name,
        snoozes=snoozes,
    )
