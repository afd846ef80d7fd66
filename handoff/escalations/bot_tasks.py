"""The bot's promises to check back become follow-up tasks (issue 21). The bot never calls the
handoff service: when it tells a customer "our team will check on this and write to you here by
Tuesday at 17:00 UTC" (bot/actions/check_back.py) it sets the slot `follow_up`, and this reads
that slot from the event stream and makes a task for the team of the conversation's escalation,
due when the bot said, with the bot's words as the task's promise (decision 0220).

Durable and once: the consumer acknowledges the entry only after this returned, and the task is
keyed by the stream entry id (store/bot_tasks.py), so a retry or a second replica finds the task
the first made. A value that can never become a task (not the contract's shape, a due time out of
bounds) is logged and dropped; no open escalation yet is an error, so the entry is retried and,
if one never opens, dead-lettered where it can be replayed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from contract import bot_handoff as contract
from handoff.escalations.followup_tasks import FollowUpTasks
from handoff.store import Task
from handoff.store import bot_tasks as rows
from handoff.stream.events import StreamEvent

logger = logging.getLogger(__name__)
MAX_TOLD = 1000  # characters of the bot's words kept as the promise
MAX_ENTRY_ID = 64  # the column's width; a Redis stream id is at most 41


class NoEscalationYet(Exception):
    """The bot promised a check-back in a conversation with no open escalation: retried."""


@dataclass(frozen=True)
class Promised:
    due_at: float
    note: str
    told: str | None


def read_promise(value: Any, *, at: float, max_seconds: float) -> Promised | None:
    """The slot's value as a promise, or None when it cannot be one. `at` is when the bot set it."""
    if not isinstance(value, dict):
        return None
    due_at, note, told = value.get("due_at"), value.get("note"), value.get("told")
    if isinstance(due_at, bool) or not isinstance(due_at, (int, float)) or not math.isfinite(due_at):
        return None
    if not at < due_at <= at + max_seconds:
        return None
    if not isinstance(note, str) or not note.strip():
        return None
    note = note.strip()[:contract.FOLLOW_UP_NOTE_CHARS]
    told = told.strip()[:MAX_TOLD] if isinstance(told, str) and told.strip() else None
    return Promised(float(due_at), note, told)


class BotTasks:
    def __init__(self, tasks: FollowUpTasks, *, max_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.tasks = tasks
        self.max_seconds = max_seconds
        self.clock = clock
        self.made = 0

    async def observe(self, event: StreamEvent) -> Task | None:
        """The consumer's hook (after the engine, which opens the escalation the same step asked for)."""
        if event.type != "slot" or event.event.get("name") != contract.FOLLOW_UP_SLOT:
            return None
        value = event.event.get("value")
        if value is None:  # the slot cleared
            return None
        at = event.timestamp or self.clock()
        promised = read_promise(value, at=at, max_seconds=self.max_seconds)
        if promised is None or not event.sender_id or len(event.entry_id) > MAX_ENTRY_ID:
            logger.warning("stream entry %s: a follow_up slot that cannot be a task, dropped", event.entry_id)
            return None
        escalation = await self.tasks.escalations.active_for(event.sender_id)
        if escalation is None:
            raise NoEscalationYet(f"stream entry {event.entry_id}: the bot promised a check-back but the "
                                  "conversation has no open escalation yet")
        try:
            task, made = await self.tasks.db.run(lambda s: rows.create_once(
                s, escalation.id, entry_id=event.entry_id, note=promised.note, promise=promised.told,
                due_at=promised.due_at, now=self.clock()))
        except IntegrityError:  # another replica made it between our look and our insert
            found = await self.tasks.db.run(lambda s: rows.of_entry(s, event.entry_id))
            if found is None:
                raise
            return found
        if made:
            self.made += 1
            await self.tasks.announce(task, "task.created")
        return task
