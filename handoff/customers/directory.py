"""What agents see of a customer, and their private notes on one.

A customer is reached through an escalation the agent may see (handoff/auth/access.py): the
customer who verified an order in that escalation's conversation. What it shows follows the same
rule as the rest of the console (decision 0123): of the customer's other conversations, the
escalations and follow-up tasks of the agent's teams (all of them for an admin); the
conversations themselves (channel, when verified) and the orders verified in them, since the
customer proved them theirs. Notes are on the customer, not on a conversation: every agent who
can see one of their conversations reads and adds them; each note records its author and time,
and each change is appended to the audit (without the note's words, which purge must be able to
remove; the audit keeps its rows for ever).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from handoff.auth.access import can_see
from handoff.errors import Forbidden, NotFound
from handoff.escalations.labels import channel_label
from handoff.escalations.service import EscalationService
from handoff.store import Agent, Escalation, Task
from handoff.store import audit as audit_rows
from handoff.store import customers as rows
from handoff.store.customers import Customer, CustomerNote


def escalation_line(escalation: Escalation) -> dict[str, Any]:
    """One earlier escalation as the packet and the panel list it."""
    return {"id": escalation.id, "sender_id": escalation.sender_id, "channel": escalation.channel,
            "reason": escalation.reason, "team": escalation.team, "state": escalation.state,
            "outcome": escalation.outcome, "created_at": escalation.created_at, "closed_at": escalation.closed_at,
            "agent": escalation.agent_name, "summary_line": escalation.summary_line,
            "csat_rating": escalation.csat_rating, "csat_comment": escalation.csat_comment}


def task_line(task: Task) -> dict[str, Any]:
    return {"id": task.id, "escalation_id": task.escalation_id, "team": task.team, "agent": task.agent_name,
            "note": task.note, "due_at": task.due_at, "state": task.state}


def customer_part(customer: Customer, escalations: list[Escalation], tasks: list[Task],
                  shown: Callable[[Escalation], bool] = lambda _: True) -> dict[str, Any]:
    """The customer as the console shows them: every conversation linked (any channel), with the
    escalations of it `shown` allows (each with its open follow-ups), the orders."""
    visible_ids = {e.id for e in escalations if shown(e)}
    open_tasks = [task_line(t) for t in tasks if t.escalation_id in visible_ids]
    conversations = []
    for conversation in customer.conversations:
        own = [e for e in escalations if e.sender_id == conversation.sender_id]
        # No sender id: a widget's is the key to its session; the escalations carry theirs, as cards do.
        conversations.append({
            "channel": conversation.channel,
            "channel_label": channel_label(conversation.channel, conversation.sender_id),
            "orders": list(conversation.orders),
            "first_verified_at": conversation.first_verified_at, "verified_at": conversation.verified_at,
            "escalations": [{**escalation_line(e), "open_tasks": [t for t in open_tasks if t["escalation_id"] == e.id]}
                            for e in own if e.id in visible_ids],
            # Escalations of other teams: their count only, so the agent knows to ask.
            "other_teams_escalations": sum(1 for e in own if e.id not in visible_ids),
        })
    return {"id": customer.id, "name": customer.name, "email": customer.email, "orders": customer.orders,
            "since": customer.created_at, "conversations": conversations,
            "open_tasks": open_tasks}


class CustomerDirectory:
    def __init__(self, escalations: EscalationService, clock: Callable[[], float] = time.time) -> None:
        self.escalations = escalations
        self.db = escalations.db
        self.clock = clock

    async def of_sender(self, sender_id: str) -> Customer | None:
        """The customer who verified an order in this conversation most recently, if any."""
        found = await self.db.run(lambda s: rows.of_sender(s, sender_id))
        return found[0] if found else None

    async def snapshot(self, sender_id: str) -> dict[str, Any] | None:
        """For the context packet (handoff/engine/context.py): the customer with every team's
        escalations; the console shows the packet's earlier escalations by the agent's teams."""
        customer = await self.of_sender(sender_id)
        if customer is None:
            return None
        escalations, tasks = await self._activity(customer)
        return customer_part(customer, escalations, tasks)

    async def _activity(self, customer: Customer) -> tuple[list[Escalation], list[Task]]:
        senders = customer.sender_ids
        return (await self.db.run(lambda s: rows.escalations_of(s, senders)),
                await self.db.run(lambda s: rows.open_tasks_of(s, senders)))

    async def _customer_of(self, agent: Agent, escalation_id: int) -> Customer:
        escalation = await self.escalations.visible(agent, escalation_id)
        customer = await self.of_sender(escalation.sender_id)
        if customer is None:
            raise NotFound("no customer record: the customer has not verified an order in this conversation")
        return customer

    async def for_agent(self, agent: Agent, escalation_id: int) -> dict[str, Any]:
        """The customer of this escalation's conversation as `agent` may see them, with the notes."""
        customer = await self._customer_of(agent, escalation_id)
        escalations, tasks = await self._activity(customer)
        notes = await self.db.run(lambda s: rows.notes(s, customer.id))
        return {**customer_part(customer, escalations, tasks, lambda e: can_see(agent, e)),
                "notes": [note.public() for note in notes], "max_notes": rows.MAX_NOTES,
                "max_note_chars": rows.MAX_NOTE_CHARS}

    async def add_note(self, agent: Agent, escalation_id: int, text: str) -> CustomerNote:
        customer = await self._customer_of(agent, escalation_id)
        now = self.clock()

        def add(session: Any) -> CustomerNote:
            note = rows.add_note(session, customer.id, author=agent, text=text, now=now)
            audit_rows.append(session, actor=agent.username, action="customer_note.added",
                              target=f"customer:{customer.id}", now=now, after={"note": note.id})
            return note

        return await self.db.run(add)

    async def delete_note(self, agent: Agent, escalation_id: int, note_id: int) -> CustomerNote:
        """Its author or an admin deletes a note."""
        customer = await self._customer_of(agent, escalation_id)
        now = self.clock()

        def remove(session: Any) -> CustomerNote:
            existing = next((n for n in rows.notes(session, customer.id) if n.id == note_id), None)
            if existing is None:
                raise NotFound(f"no note {note_id} on this customer")
            if existing.author != agent.username and not agent.is_admin:
                raise Forbidden(f"only {existing.author_name} or an admin can delete this note")
            note = rows.delete_note(session, customer.id, note_id)
            audit_rows.append(session, actor=agent.username, action="customer_note.deleted",
                              target=f"customer:{customer.id}", now=now, before={"note": note.id})
            return note

        return await self.db.run(remove)
