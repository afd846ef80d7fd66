"""SLA clocks at work (issue 21, decision 0205): started for every open escalation, met by a
person's words or the close, and a warning pushed to the team at the warning share of a target,
before its breach; the breach is pushed too and recorded with its time (the clock's row and a
reporting event).

Who wrote is read from the event stream (`observe`, the consumer's hook, like auto-resolve): an
agent's words (chat or email) meet the response clocks; a customer's message that needs an
answer ("thanks!" does not, escalations/acknowledgements.py) starts a next-response clock.

Durable and single (the pattern of decisions 0171, 0172 and 0197): the clocks are rows with
their due times worked out when they start, so a restart loses nothing; every replica looks every
HANDOFF_SLA_CHECK_SECONDS and the store's conditional UPDATEs let one of them give each warning
and each breach.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from handoff.errors import NotFound
from handoff.escalations.periodic import run_every
from handoff.escalations.service import EscalationService
from handoff.escalations.sla_policy import KIND_LABELS, SlaPolicy
from handoff.escalations.who_wrote import who_wrote
from handoff.store import sla as rows
from handoff.store.records import Escalation, SlaClock
from handoff.stream.events import StreamEvent

logger = logging.getLogger(__name__)


class SlaService:
    def __init__(self, escalations: EscalationService, policy: SlaPolicy, *, check_every: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.escalations = escalations
        self.db = escalations.db
        self.live = escalations.live
        self.policy = policy
        self.check_every = check_every
        self.clock = clock
        self.warned = 0
        self.breached = 0

    # ---- who wrote (the consumer's hook) -----------------------------------------------------

    async def observe(self, event: StreamEvent) -> None:
        writer = who_wrote(event)
        if writer is None:
            return
        escalation = await self.escalations.active_for(event.sender_id)
        if escalation is None:
            return
        if writer == "agent":
            changed = await self.db.run(lambda s: rows.person_answered(s, escalation.id, at=event.timestamp))
        else:
            changed = await self.db.run(
                lambda s: rows.customer_waits(s, escalation.id, at=event.timestamp, times=self.policy.times))
        if changed:
            await self._updated(escalation.id)

    # ---- due times ---------------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> tuple[list[int], list[int]]:
        """Start the clocks of new escalations, stop those of closed ones, then give the breaches
        and warnings now due, each on one replica only. Returns the clocks warned and breached."""
        now = now if now is not None else self.clock()
        for escalation_id in await self.db.run(rows.unstarted):
            try:
                started = await self.db.run(lambda s, i=escalation_id: rows.start(s, i, now=now,
                                                                                   times=self.policy.times))
            except (IntegrityError, NotFound):  # another replica started them; or it was purged
                continue
            except Exception:  # one escalation's clocks must not hold up every other's warnings
                logger.exception("SLA clocks of escalation %s could not start", escalation_id)
                continue
            if started:
                await self._updated(escalation_id)
        await self.db.run(rows.stop_closed)
        breached = [clock.id for clock in await self._fire(rows.coming_breached, rows.breach, "sla.breached", now)]
        warned = [clock.id for clock in await self._fire(rows.coming_warned, rows.warn, "sla.warning", now)]
        self.breached += len(breached)
        self.warned += len(warned)
        if warned or breached:
            logger.info("SLA: clocks %s warned, %s breached", warned, breached)
        return warned, breached

    async def run(self, stop: asyncio.Event) -> None:
        await run_every(self.check_every, self.tick, stop, "SLA")

    async def _fire(self, coming: Callable[..., list[int]], mark: Callable[..., tuple[SlaClock, Escalation] | None],
                    type_: str, now: float) -> list[SlaClock]:
        fired = []
        for clock_id in await self.db.run(lambda s: coming(s, now)):
            marked = await self.db.run(lambda s, i=clock_id: mark(s, i, now=now))
            if marked is None:  # another replica, or the clock stopped meanwhile
                continue
            clock, escalation = marked
            event = {"clock_id": clock.id, "target": clock.kind, "target_label": KIND_LABELS[clock.kind],
                     "due_at": clock.due_at, "at": now}
            await self.live.publish_for(escalation, type_, {**await self.escalations.card(escalation, now),
                                                            "sla_event": event})
            fired.append(clock)
        return fired

    async def _updated(self, escalation_id: int) -> None:
        escalation = await self.escalations.get(escalation_id)
        await self.live.publish_for(escalation, "escalation.updated", await self.escalations.card(escalation))
