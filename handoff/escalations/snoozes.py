"""Snoozing an escalation (issue 21): its agent puts it aside until a time, or until the customer
writes. A reply that needs an answer wakes it at once and pushes it to the agent who holds it, or,
when they are offline, back to their team's queue; a reply that needs none ("thanks!") is counted
and the snooze runs on. A snooze whose time comes wakes the same way.

Durable and single (decision 0171): the snooze is a row in the SQL store, so it survives a
restart; every replica looks for due snoozes, and the store's conditional UPDATE lets exactly one
of them end each snooze and push it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from handoff.errors import Conflict, Invalid
from handoff.escalations.acknowledgements import needs_no_action
from handoff.escalations.periodic import run_every
from handoff.escalations.service import EscalationService
from handoff.store import Agent, Escalation
from handoff.store import snoozes as rows

logger = logging.getLogger(__name__)
# Whether an agent is online now (Presence.status(username) == "online").
IsOnline = Callable[[str], Awaitable[bool]]


class SnoozeService:
    def __init__(self, escalations: EscalationService, is_online: IsOnline, *, max_seconds: float,
                 check_every: float) -> None:
        self.escalations = escalations
        self.db = escalations.db
        self.live = escalations.live
        self.is_online = is_online
        self.max_seconds = max_seconds
        self.check_every = check_every
        self.woken = 0

    # ---- the agent's side --------------------------------------------------------------------

    async def snooze(self, agent: Agent, escalation_id: int, until: float | None) -> Escalation:
        """Until `until` (Unix seconds) or the customer's next reply; until=None: the reply only."""
        now = time.time()
        if until is not None and not now < until <= now + self.max_seconds:
            raise Invalid(f"a snooze ends in the future, at most {self.max_seconds / 86400:g} days from now")
        escalation = await self.db.run(lambda s: rows.start(s, escalation_id, agent=agent, until=until, now=now))
        await self.live.publish_for(escalation, "escalation.updated", await self.escalations.card(escalation, now))
        return escalation

    async def wake(self, agent: Agent, escalation_id: int) -> Escalation:
        """The agent takes it up again before its time."""
        escalation = await self.escalations.get(escalation_id)
        if escalation.snooze is None or escalation.agent != agent.username:
            raise Conflict(f"escalation {escalation_id} is not snoozed by you")
        snooze_id = escalation.snooze.id
        woken = await self.db.run(lambda s: rows.end(s, snooze_id, by="agent", now=time.time(),
                                                      actor=agent.username))
        if woken is None:  # woken a moment ago by a reply or its time
            return await self.escalations.get(escalation_id)
        await self.live.publish_for(woken, "escalation.updated", await self.escalations.card(woken))
        return woken

    # ---- the engine's side -------------------------------------------------------------------

    async def customer_wrote(self, escalation: Escalation, text: str, at: float) -> bool:
        """A customer of this open escalation wrote. True: a snooze keeps it quiet (the reply
        needed no action and was counted); False: push the message as usual (a snooze it ended
        has already been pushed back to its agent or team)."""
        snooze = escalation.snooze
        if snooze is None:
            return False
        if needs_no_action(text):
            counted = await self.db.run(lambda s: rows.record_quiet_reply(s, snooze.id, now=at))
            if counted is not None:
                logger.info("escalation %s: a reply needing no action left it snoozed", escalation.id)
                await self.live.publish_for(counted, "escalation.updated", await self.escalations.card(counted))
                return True
            return False
        await self._wake(snooze.id, "reply", at)
        return False

    # ---- due times ---------------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> list[int]:
        """Wake the snoozes whose time has come; each one on one replica only."""
        now = now if now is not None else time.time()
        woken = []
        for snooze in await self.db.run(lambda s: rows.due(s, now)):
            if await self._wake(snooze.id, "time", now) is not None:
                woken.append(snooze.escalation_id)
        return woken

    async def run(self, stop: asyncio.Event) -> None:
        await run_every(self.check_every, self.tick, stop, "snooze")

    async def _wake(self, snooze_id: int, by: str, now: float) -> Escalation | None:
        """End the snooze (None: another replica or caller did) and push it where someone acts on it."""
        escalation = await self.db.run(lambda s: rows.end(s, snooze_id, by=by, now=now))
        if escalation is None:
            return None
        self.woken += 1
        if escalation.state == "accepted" and escalation.agent and await self.is_online(escalation.agent):
            data = {**await self.escalations.card(escalation, now), "woken_by": by}
            await self.live.publish_for(escalation, "escalation.reopened", data)
            logger.info("escalation %s woken (%s): pushed to %s", escalation.id, by, escalation.agent)
            return escalation
        # The holder is away: the team takes it from the queue rather than the customer waiting.
        requeued = await self.escalations.requeue(
            escalation.id, by="system", detail=f"snooze ended ({by}); {escalation.agent or 'nobody'} offline")
        logger.info("escalation %s woken (%s): its agent is offline, back to team %s", escalation.id, by,
                    requeued.team)
        return requeued
