"""Auto-resolve (issue 21): a conversation waiting on the customer, its agent having written last
(in the chat or by email), with no answer for HANDOFF_AUTO_RESOLVE_HOURS, is resolved with a
closing message on the customer's channel, recorded as the outcome `auto_resolved` with a
reporting event of that kind. It reopens, back in its team's queue, when the customer writes
again with something to answer; a "thanks!" after the close reopens nothing.

Who wrote last is read from the event stream (`observe`, the consumer's hook before the engine):
an agent's words (`kind` agent_message or agent_email) and the customer's. A reply that needs no
action (escalations/acknowledgements.py) does not stop the clock: "ok thanks" is what a finished
conversation ends with. A snooze to a time keeps it open until then; a snooze until the customer
replies is waiting on them like any other.

Durable and single (decision 0197, the pattern of 0171 and 0172): the times are a row of
`customer_waits`; every replica looks every HANDOFF_AUTO_RESOLVE_CHECK_SECONDS; a conditional
UPDATE closes each escalation once and leaves the closing message owed in the row. The message
is sent by the replica that claims it (a lease: one that dies mid-way is replaced after
LEASE_SECONDS) and marked told; with Rasa down it stays owed and is sent on a later look, unless
the customer reopened the conversation first. The conversation stays paused: the bot must not
answer the reply that reopens it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from handoff.escalations.periodic import run_every
from handoff.escalations.service import EscalationService
from handoff.escalations.who_wrote import who_wrote
from handoff.store import customer_waits as rows
from handoff.store.records import Escalation
from handoff.stream.events import StreamEvent

logger = logging.getLogger(__name__)
# A claim older than this is a replica that died between claiming and closing: another takes over.
LEASE_SECONDS = 300.0
CLOSING_MESSAGE = ("We haven't heard back from you, so we're closing this conversation for now. "
                   "If you still need help, just reply here and we'll pick it up where we left off.")


class AutoResolver:
    def __init__(self, escalations: EscalationService, *, after_seconds: float, check_every: float, owner: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.escalations = escalations
        self.db = escalations.db
        self.after_seconds = after_seconds
        self.check_every = check_every
        # Unique per process life: two replicas may share a consumer name on one host.
        self.owner = f"{owner}:{uuid.uuid4().hex[:8]}"
        self.clock = clock
        self.resolved = 0
        self.told = 0
        self.reopened = 0

    # ---- who wrote last (the consumer's hook) ------------------------------------------------

    async def observe(self, event: StreamEvent) -> None:
        writer = who_wrote(event)
        if writer == "agent":
            escalation = await self.escalations.active_for(event.sender_id)
            if escalation is not None and escalation.state == "accepted":
                await self.db.run(lambda s: rows.agent_wrote(s, escalation.id, event.timestamp))
        elif writer == "customer":
            escalation = await self.escalations.active_for(event.sender_id)
            if escalation is not None:
                await self.db.run(lambda s: rows.customer_wrote(s, escalation.id, event.timestamp))
            else:
                await self._reopen(event.sender_id, event.timestamp)

    async def _reopen(self, sender: str, at: float) -> Escalation | None:
        closed = await self.db.run(lambda s: rows.auto_resolved_of(s, sender))
        if closed is None:
            return None
        now = self.clock()
        try:
            reopened = await self.db.run(lambda s: rows.reopen(s, closed.id, now=now, at=at))
        except IntegrityError:  # another escalation of this conversation opened meanwhile
            return None
        if reopened is None:  # another replica reopened it
            return None
        self.reopened += 1
        await self.escalations.queue.add(reopened, now)
        await self.escalations.announce(reopened, now)
        logger.info("escalation %s reopened: the customer wrote after it was auto-resolved", reopened.id)
        return reopened

    # ---- due times ---------------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> list[int]:
        """Resolve the waits whose time has come, each on one replica only, then send the closing
        messages owed (this replica's and any another one could not send)."""
        now = now if now is not None else self.clock()
        resolved = []
        detail = f"auto-resolved: no reply from the customer for {self.after_seconds / 3600:g} h"
        for wait in await self.db.run(lambda s: rows.due(s, agent_before=now - self.after_seconds)):
            closed = await self.db.run(lambda s, w=wait: rows.resolve(s, w, now=now, detail=detail))
            if closed is None:  # another replica, an agent or the customer came first
                continue
            self.resolved += 1
            resolved.append(closed.id)
            await self.escalations.live.publish_for(closed, "escalation.updated", await self.escalations.card(closed))
        if resolved:
            logger.info("auto-resolved escalations %s: no reply from the customer", resolved)
        await self._tell(now)
        return resolved

    async def _tell(self, now: float) -> None:
        """The closing message, on the customer's channel, once: claimed (a lease), said, marked."""
        for wait in await self.db.run(lambda s: rows.untold(s, now=now, lease=LEASE_SECONDS)):
            escalation_id = wait.escalation_id
            if not await self.db.run(lambda s, i=escalation_id: rows.claim(s, i, by=self.owner, now=now,
                                                                           lease=LEASE_SECONDS)):
                continue
            try:
                await self.escalations.rasa.say(wait.sender_id, CLOSING_MESSAGE)
            except Exception as error:  # owed still: the next look tries again
                logger.warning("escalation %s: the closing message could not be sent yet (%s)", escalation_id, error)
                await self.db.run(lambda s, i=escalation_id: rows.release(s, i, by=self.owner))
                continue
            await self.db.run(lambda s, i=escalation_id: rows.told(s, i, by=self.owner, now=self.clock()))
            self.told += 1

    async def run(self, stop: asyncio.Event) -> None:
        await run_every(self.check_every, self.tick, stop, "auto-resolve")
