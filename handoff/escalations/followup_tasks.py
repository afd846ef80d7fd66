"""Follow-up tasks (issue 21): a due time and a note on an escalation ("call the carrier
Tuesday"). When one is due it comes back to its agent with a reminder pushed to the console; if
it is still not done `overdue_after` seconds later it is escalated to the team. Creating one can
tell the customer, in plain words on their channel, what happens next and by when.

Durable and single like snoozes (decisions 0171, 0172): the task is a row in the store and every
step (due, overdue, done) is a conditional UPDATE, so a restart loses nothing and each reminder is
pushed by one replica only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from handoff.auth.access import ensure_holder, ensure_visible
from handoff.engine.hours import BusinessHours
from handoff.errors import Forbidden, Invalid
from handoff.escalations.periodic import run_every
from handoff.escalations.service import EscalationService, clean_text
from handoff.store import Agent, Task, reporting
from handoff.store import tasks as rows

logger = logging.getLogger(__name__)
MAX_PROMISE = 200


def promise_message(agent_name: str, promise: str | None, due: datetime, now: datetime, hours: BusinessHours,
                    timezone_label: str) -> str:
    """'Maya will check with the carrier and write to you here by Tuesday at 5 pm (Eastern time).'"""
    what = f"{promise.strip().rstrip('.')} and write" if promise and promise.strip() else "write"
    return f"{agent_name} will {what} to you here by {hours.describe_moment(due, now)} ({timezone_label})."


class FollowUpTasks:
    def __init__(self, escalations: EscalationService, *, hours: BusinessHours, timezone_label: str,
                 max_seconds: float, overdue_after: float, check_every: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.escalations = escalations
        self.db = escalations.db
        self.live = escalations.live
        self.hours = hours
        self.timezone_label = timezone_label
        self.max_seconds = max_seconds
        self.overdue_after = overdue_after
        self.check_every = check_every
        self.clock = clock
        self.reminded = 0
        self.escalated = 0

    async def create(self, agent: Agent, escalation_id: int, *, due_at: float, note: str,
                     promise: str | None = None, tell_customer: bool = False) -> Task:
        note = clean_text(note, "task's note")
        now = self.clock()
        if not now < due_at <= now + self.max_seconds:
            raise Invalid(f"a follow-up is due in the future, at most {self.max_seconds / 86400:g} days from now")
        promise = promise.strip() if promise and promise.strip() else None
        if promise and len(promise) > MAX_PROMISE:
            raise Invalid(f"what you promise the customer has {len(promise)} characters; at most {MAX_PROMISE}")
        escalation = await self.escalations.get(escalation_id)
        ensure_visible(agent, escalation)
        if tell_customer:
            ensure_holder(agent, escalation, "tell the customer what happens next")
            if escalation.state != "accepted":
                raise Invalid(f"escalation {escalation_id} is {escalation.state}; the customer is told in an open chat")
            text = promise_message(agent.display_name, promise, datetime.fromtimestamp(due_at, UTC),
                                   datetime.fromtimestamp(now, UTC), self.hours, self.timezone_label)
            # Rasa first: if the customer cannot be told, no task claims they were.
            # On the channel the customer last used; refused outside WhatsApp's window (reach.py).
            await self.escalations.rasa.say(await self.escalations.chat_target(escalation), text,
                                            agent=agent.display_name)
            await self.live.publish_for(escalation, "agent.message", {
                "text": text, "at": now, "agent": agent.username, "agent_name": agent.display_name})
            promise = text
        task = await self.db.run(lambda s: rows.create(s, escalation_id, agent=agent, note=note, promise=promise,
                                                        due_at=due_at, by=agent.username, now=now))
        await self._push(task, "task.created")
        return task

    async def listing(self, agent: Agent, *, mine: bool) -> list[Task]:
        return await self.db.run(lambda s: rows.listing(s, agent, mine=mine))

    async def of_escalation(self, agent: Agent, escalation_id: int) -> list[Task]:
        await self.escalations.visible(agent, escalation_id)
        return await self.db.run(lambda s: rows.of_escalation(s, escalation_id))

    async def complete(self, agent: Agent, task_id: int) -> Task:
        task = await self.db.run(lambda s: rows.get(s, task_id))
        if not (agent.is_admin or task.agent == agent.username or task.team in agent.teams):
            raise Forbidden(f"follow-up task {task_id} is for the {task.team} team; "
                            f"you are in {', '.join(agent.teams) or 'no team'}")
        done = await self.db.run(lambda s: rows.complete(s, task_id, now=self.clock()))
        await self._push(done, "task.updated")
        return done

    # ---- due times ---------------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> tuple[list[int], list[int]]:
        """Remind the tasks now due and escalate those overdue; each on one replica only."""
        now = now if now is not None else self.clock()
        reminded, escalated = [], []
        for task_id in await self.db.run(lambda s: rows.coming_due(s, now)):
            task = await self.db.run(lambda s, i=task_id: reporting.followup_due(s, rows.mark_due(s, i, now=now), now))
            if task is not None:
                await self._push(task, "task.due")
                reminded.append(task.id)
        for task_id in await self.db.run(lambda s: rows.going_overdue(s, now - self.overdue_after)):
            task = await self.db.run(lambda s, i=task_id: rows.mark_overdue(s, i, now=now))
            if task is not None:
                await self._push(task, "task.overdue", team_too=True)
                escalated.append(task.id)
        self.reminded += len(reminded)
        self.escalated += len(escalated)
        if reminded or escalated:
            logger.info("follow-up tasks: %s due, %s overdue and escalated to their teams", reminded, escalated)
        return reminded, escalated

    async def run(self, stop: asyncio.Event) -> None:
        await run_every(self.check_every, self.tick, stop, "follow-up task")

    async def announce(self, task: Task, type_: str) -> None:
        """Push a task made elsewhere (the bot's, escalations/bot_tasks.py) as this service does its own."""
        await self._push(task, type_)

    async def _push(self, task: Task, type_: str, *, team_too: bool = False) -> None:
        """To its agent; to the team as well when it has no agent, or when it is overdue."""
        teams = [task.team] if team_too or task.agent is None else []
        await self.live.publish(type_, task.public(), teams=teams, agents=[task.agent])
