"""EscalationService: the life of an escalation, from the moment the engine opens it to the
agent's last word, with every change of state recorded (initiated, queued, accepted,
completed, failed) and pushed to the consoles that may see it.

The engine calls open / active_for / history_for / record_customer_message / record_csat;
the agents' API calls the rest. Anything that must reach Rasa is done before the database is
changed, so a Rasa failure (502, "try again") leaves the escalation as it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contract import bot_handoff as contract
from contract.csat import parse_rating
from handoff.auth.access import can_see, ensure_can_claim, ensure_holder, ensure_visible
from handoff.clients.rasa import RasaClient
from handoff.conversations.readable import readable
from handoff.conversations.store import ConversationStore
from handoff.errors import Conflict, Invalid
from handoff.escalations.cards import card, detail
from handoff.escalations.queue import FRUSTRATION_WEIGHT, PER_MINUTE_WAITED, EscalationQueue
from handoff.escalations.queue_views import QueueQuery
from handoff.escalations.sla_policy import SlaPolicy
from handoff.escalations.transcripts import scoped
from handoff.escalations.transfers import choose_target, customer_notice, picker, unanswered
from handoff.realtime.live import LiveHub
from handoff.realtime.presence import Presence
from handoff.store import Agent, Database, Escalation, Note, tasks, transfers
from handoff.store import escalations as rows
from handoff.store.records import AGENT_OUTCOMES, TEAMS
from orders.identity import normalize_order_number

logger = logging.getLogger(__name__)
MAX_TEXT = 4000


def email_in(packet: dict[str, Any]) -> str | None:
    """The customer's verified e-mail address from the context packet, wherever the engine put it.
    One the customer only typed is not theirs until verified: escalations are found by it later."""
    identity = packet.get("identity")
    if isinstance(identity, dict) and not identity.get("email_verified", identity.get("verified")):
        identity = None
    for holder in (packet, identity, packet.get("facts"), packet.get("slots")):
        if isinstance(holder, dict) and isinstance(holder.get("email"), str) and "@" in holder["email"]:
            return holder["email"].strip().lower()
    return None


def clean_text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid(f"the {what} is empty: write something first")
    if len(text) > MAX_TEXT:
        raise Invalid(f"the {what} has {len(text)} characters; at most {MAX_TEXT} are allowed")
    return text


def record_follow_up(session: Session, escalation_id: int, address: str | None, now: float) -> Escalation:
    """The answer to the e-mail offer, and for an address a task for the team, due at once (issue
    21: an "email me" is work for a person, not only a field). One such task per escalation: an
    address typed again updates the field, not the work."""
    updated = rows.set_follow_up(session, escalation_id, email=address)
    if address and not any(t.created_by == "bot" and t.state != "done"
                           for t in tasks.of_escalation(session, escalation_id)):
        tasks.create(session, escalation_id, agent=None, promise=None, due_at=now, by="bot", now=now,
                     note=f"Email the customer at {address}: nobody could chat, they asked for an answer by email.")
    return updated


class EscalationService:
    def __init__(self, db: Database, queue: EscalationQueue, live: LiveHub, rasa: RasaClient,
                 sla: SlaPolicy | None = None) -> None:
        self.db = db
        self.queue = queue
        self.live = live
        self.rasa = rasa
        self.sla = sla  # the SLA targets the cards show (escalations/sla_policy.py)
        # Where a chat message goes (escalations/reach.py); None: the escalation's own conversation.
        self.chat_router: Callable[[Escalation], Awaitable[str]] | None = None

    # ---- the engine's side -------------------------------------------------------------------

    async def open(self, *, sender_id: str, channel: str | None, reason: str, team: str,
                   frustration: float, packet: dict[str, Any]) -> Escalation:
        """Open an escalation (initiated -> queued), queue it and tell the team's consoles.
        A conversation has at most one open escalation: opening again returns that one."""
        if team not in TEAMS:
            raise Invalid(f"unknown team {team!r}; teams are {', '.join(TEAMS)}")
        if existing := await self.active_for(sender_id):
            return existing
        # Through JSON once: a value the database's JSON column cannot hold (a datetime, a set)
        # becomes its text here instead of failing the escalation.
        packet = json.loads(json.dumps(packet, default=str))
        now = time.time()
        try:
            escalation = await self.db.run(lambda s: rows.create(
                s, sender_id=sender_id, channel=channel, email=email_in(packet), reason=reason, team=team,
                frustration=float(frustration), packet=packet, now=now,
            ))
        except IntegrityError:  # another replica opened it a moment ago
            if existing := await self.active_for(sender_id):
                return existing
            raise
        await self.queue.add(escalation, now)
        await self.announce(escalation, now)
        return escalation

    async def active_for(self, sender_id: str) -> Escalation | None:
        return await self.db.run(lambda s: rows.active_for(s, sender_id))

    async def last_opened_at(self, sender_id: str) -> float | None:
        return await self.db.run(lambda s: rows.last_opened_at(s, sender_id))

    async def ahead_of(self, escalation: Escalation) -> int:
        """How many escalations of the same team wait before this queued one (by priority)."""
        queued = {e.id: e.team for e in await self.db.run(rows.queued)}
        same_team = [i for i in await self.queue.ordered() if queued.get(i) == escalation.team]
        return same_team.index(escalation.id) if escalation.id in same_team else len(same_team)

    async def history_for(self, sender_id: str | None = None, email: str | None = None) -> list[Escalation]:
        return await self.db.run(lambda s: rows.history_for(s, sender_id, email))

    async def record_customer_message(self, sender_id: str, text: str, at: float,
                                      line: Mapping[str, Any] | None = None) -> None:
        """A customer of an open escalation wrote: push it to the agent (or the team while queued).
        `line`: the transcript line as read (conversations/readable.py): its stream id lets the
        console show it once beside the transcript it loaded, `pressed` marks a button press."""
        escalation = await self.active_for(sender_id)
        if escalation is not None:
            extra = {key: line[key] for key in ("id", "message_id", "pressed") if line and line.get(key)}
            await self.live.publish_for(escalation, "customer.message", {"text": text, "at": at, **extra})

    async def record_line(self, sender_id: str, line: Mapping[str, Any]) -> None:
        """A line of the bot or the service (a notice, a reminder) in a conversation with an open
        escalation: pushed as conversation.line, with its stream id, as readable.py reads it.
        A bot line in no agent's name is the engine's own message (the bot is paused while a
        person owns the conversation): kept as what the customer was told, for the panel."""
        escalation = await self.active_for(sender_id)
        if escalation is None:
            return
        fields = ("id", "role", "text", "agent", "kind", "time")
        await self.live.publish_for(escalation, "conversation.line", {key: line.get(key) for key in fields})
        text, line_id = str(line.get("text") or "").strip(), line.get("id")
        if line.get("role") == "bot" and not line.get("agent") and not line.get("kind") and text and line_id:
            at = line.get("time") if isinstance(line.get("time"), int | float) else time.time()
            await self.db.run(lambda s: transfers.add_told(s, escalation.id, line_id=str(line_id), at=float(at),
                                                           text=text))

    async def record_customer_typing(self, sender_id: str) -> None:
        escalation = await self.active_for(sender_id)
        if escalation is not None:
            await self.live.publish_for(escalation, "customer.typing", {"at": time.time()})

    async def record_csat(self, sender_id: str, rating: int, comment: str | None) -> None:
        parsed = parse_rating(rating)
        if parsed is None:
            raise Invalid(f"a CSAT rating is a whole number from 1 to 5, not {rating!r}")
        comment = comment.strip()[:MAX_TEXT] if comment and comment.strip() else None
        escalation = await self.db.run(lambda s: rows.set_csat(s, sender_id, rating=parsed, comment=comment,
                                                                now=time.time()))
        if escalation is None:
            logger.warning("CSAT %s for %s has no completed escalation to go with", rating, sender_id)
            return
        await self.live.publish_for(escalation, "escalation.updated", await self.card(escalation))

    async def record_follow_up(self, sender_id: str, email: str | None) -> Escalation | None:
        """Nobody could chat: the customer asked for an e-mail follow-up at `email`, or declined (None).
        The escalation stays open, so the first agent in sees it with the address."""
        if email is not None and "@" not in email:
            raise Invalid(f"{email!r} is not an e-mail address")
        escalation = await self.active_for(sender_id)
        if escalation is None:
            logger.warning("follow-up for %s has no open escalation to go with", sender_id)
            return None
        address = email.strip().lower() if email else None
        updated = await self.db.run(lambda s: record_follow_up(s, escalation.id, address, time.time()))
        await self.live.publish_for(updated, "escalation.updated", await self.card(updated))
        return updated

    async def fail(self, escalation_id: int, *, detail_text: str, outcome: str | None = "follow_up",
                   by: str = "bot") -> Escalation:
        """Nobody could take it (no agent, outside hours): failed, with the follow-up recorded."""
        escalation = await self.db.run(lambda s: rows.close(
            s, escalation_id, state="failed", outcome=outcome, by=by, detail=detail_text, now=time.time()))
        await self.queue.remove(escalation_id)
        await self.live.publish_for(escalation, "escalation.updated", await self.card(escalation))
        return escalation

    # ---- reading -----------------------------------------------------------------------------

    async def get(self, escalation_id: int) -> Escalation:
        return await self.db.run(lambda s: rows.get(s, escalation_id))

    async def visible(self, agent: Agent, escalation_id: int) -> Escalation:
        escalation = await self.get(escalation_id)
        ensure_visible(agent, escalation)
        return escalation

    async def transcript(self, agent: Agent, escalation_id: int,
                         conversations: ConversationStore) -> list[dict[str, Any]]:
        """The conversation's lines this agent may read through this escalation (transcripts.py)."""
        escalation = await self.visible(agent, escalation_id)
        lines = readable(await conversations.transcript(escalation.sender_id))
        others = await self.db.run(lambda s: rows.of_conversation(s, escalation.sender_id))
        return scoped(lines, escalation, others, lambda other: can_see(agent, other))

    async def card(self, escalation: Escalation, now: float | None = None) -> dict[str, Any]:
        now = now or time.time()
        priority = (await self.queue.priorities([escalation.id], now)).get(escalation.id)
        return card(escalation, priority, now, self.sla)

    async def detail(self, escalation: Escalation, agent: Agent | None = None) -> dict[str, Any]:
        """The whole escalation; for `agent`, its packet without what other teams handled: the
        transcript's stretches under their escalations, and their earlier escalations."""
        now = time.time()
        priority = (await self.queue.priorities([escalation.id], now)).get(escalation.id)
        if agent is None or agent.is_admin:
            return detail(escalation, priority, now, sla=self.sla)
        packet = dict(escalation.packet)
        if isinstance(packet.get("transcript"), list):
            others = await self.db.run(lambda s: rows.of_conversation(s, escalation.sender_id))
            lines = [line for line in packet["transcript"] if isinstance(line, dict)]
            packet["transcript"] = scoped(lines, escalation, others, lambda other: can_see(agent, other))
        if isinstance(packet.get("earlier_escalations"), list):
            packet["earlier_escalations"] = [
                earlier for earlier in packet["earlier_escalations"]
                if isinstance(earlier, dict) and earlier.get("team") in agent.teams]
        return detail(escalation, priority, now, packet, self.sla)

    async def listing(self, agent: Agent, query: QueueQuery) -> list[dict[str, Any]]:
        """One page of the agent's queue (handoff/escalations/queue_views.py). Sorted by
        priority, queued ones come first, highest priority first; then the others, newest first."""
        search: list[str] = []
        if query.search:
            search.append(query.search)
            number = normalize_order_number(query.search)
            if number and number.lower() not in query.search.lower():
                search.append(number)
        found = await self.db.run(lambda s: rows.listing(
            s, agent, states=query.states, mine=query.mine, unassigned=query.unassigned, teams=query.teams,
            channel=query.channel, reason=query.reason, search=search, sort=query.sort, limit=query.limit,
            offset=query.offset, priority_weights=(FRUSTRATION_WEIGHT, PER_MINUTE_WAITED)))
        now = time.time()
        priorities = await self.queue.priorities([e.id for e in found if e.state == "queued"], now)
        cards = [card(e, priorities.get(e.id), now, self.sla) for e in found]
        if query.sort == "priority":
            cards.sort(key=lambda c: (c["state"] != "queued", -(c["priority"] or 0.0), -c["id"]))
        return cards

    # ---- the agent's side --------------------------------------------------------------------

    async def claim(self, agent: Agent, escalation_id: int) -> Escalation:
        ensure_can_claim(agent, await self.get(escalation_id))
        escalation = await self.db.run(lambda s: rows.claim(s, escalation_id, agent, time.time()))
        await self.queue.remove(escalation_id)
        await self.live.publish_for(escalation, "escalation.updated", await self.card(escalation))
        await self._courtesy(escalation, contract.AGENT_JOINED, agent.display_name,
                             f"{agent.display_name} from Larkspur & Co. has joined the chat.")
        return escalation

    async def chat_target(self, escalation: Escalation) -> str:
        """The conversation an agent's chat message goes to: the channel the customer last used,
        refused outside WhatsApp's window (escalations/reach.py, set as chat_router by services.py)."""
        return await self.chat_router(escalation) if self.chat_router else escalation.sender_id

    async def send(self, agent: Agent, escalation_id: int, text: str) -> dict[str, Any]:
        text = clean_text(text, "message")
        escalation = await self.get(escalation_id)
        ensure_holder(agent, escalation, "write to the customer")
        if escalation.state != "accepted":
            raise Conflict(f"escalation {escalation_id} is {escalation.state}; messages go to accepted ones only")
        await self.rasa.say(await self.chat_target(escalation), text, agent=agent.display_name)
        await self.live.agent_stopped_typing(escalation.sender_id)
        now = time.time()
        sent = {"text": text, "at": now, "agent": agent.username, "agent_name": agent.display_name}
        await self.db.run(lambda s: rows.first_response(s, escalation_id, agent=agent.username, now=now))
        await self.live.publish_for(escalation, "agent.message", sent)
        return {"escalation_id": escalation_id, **sent}

    async def typing(self, agent: Agent, escalation_id: int) -> None:
        """Shown to the other consoles watching; Rasa's channels have no typing event for the customer."""
        escalation = await self.get(escalation_id)
        ensure_holder(agent, escalation, "type in this conversation")
        await self.live.agent_typing(escalation, agent, time.time())

    async def add_note(self, agent: Agent, escalation_id: int, text: str) -> Note:
        text = clean_text(text, "note")
        escalation = await self.visible(agent, escalation_id)
        note = await self.db.run(lambda s: rows.add_note(s, escalation_id, author=agent, text=text, now=time.time()))
        await self.live.publish_for(escalation, "escalation.updated", {**await self.card(escalation),
                                                                        "note": note.public()})
        return note

    async def transfer_targets(self, agent: Agent, escalation_id: int, presence: Presence,
                               accounts: Sequence[Agent]) -> dict[str, Any]:
        """The transfer picker for this escalation: teams and the agents this agent may see, with
        presence and load (transfers.py)."""
        escalation = await self.visible(agent, escalation_id)
        statuses = {entry["username"]: str(entry["status"]) for entry in await presence.present()}
        loads = await self.db.run(lambda s: transfers.loads(s, [other.id for other in accounts]))
        queued = await self.db.run(transfers.queued_by_team)
        return picker(agent, escalation, accounts, statuses, loads, queued)

    async def transfer(self, agent: Agent, escalation_id: int, *, note: str, to_agent: Agent | None = None,
                       to_team: str | None = None, status: str = "offline",
                       conversations: ConversationStore | None = None) -> Escalation:
        """To an agent (it stays accepted, now theirs) or to a team (back in the queue), with a
        note the receiving agent reads first, and the customer's unanswered words beside it.
        `status`: the receiving agent's presence. The customer is told in plain words."""
        note = clean_text(note, "transfer note")
        escalation = await self.get(escalation_id)
        if escalation.state == "accepted":
            ensure_holder(agent, escalation, "transfer it")
        else:
            ensure_visible(agent, escalation)
        if not escalation.is_open:
            raise Conflict(f"escalation {escalation_id} is {escalation.state}; only open ones can be transferred")
        target = choose_target(escalation, to_agent=to_agent, to_team=to_team, status=status)
        waiting: list[dict[str, Any]] = []
        if conversations is not None:
            waiting = unanswered(await self.transcript(agent, escalation_id, conversations))
        now = time.time()
        receiver = target.agent

        def move(session: Session) -> Escalation:
            if receiver is None:
                moved = rows.requeue(session, escalation_id, team=target.team, by=agent.username,
                                     detail=f"transferred to team {target.team}", now=now)
            else:
                moved = rows.reassign(session, escalation_id, to=receiver, by=agent.username, now=now,
                                      team=target.team)
            transfers.record(session, escalation_id, by=agent, to_agent=receiver, to_team=target.team, note=note,
                             unanswered=waiting, now=now)
            return rows.get(session, moved.id)

        moved = await self.db.run(move)
        if receiver is None:
            await self.queue.add(moved, now)
        else:
            await self.queue.remove(escalation_id)
        card_now = await self.card(moved, now)
        await self.live.publish_for(moved, "escalation.updated", card_now,
                                    also_agents=[escalation.agent], also_teams=[escalation.team])
        if receiver is None:
            await self.announce(moved, now)
        else:
            await self.live.publish("escalation.transferred", {"escalation_id": moved.id, **card_now},
                                    agents=[receiver.username])
        by_name = agent.display_name if escalation.agent == agent.username else None
        text = customer_notice(by_name=by_name, to_agent_name=receiver.display_name if receiver else None,
                               team=target.team)
        if receiver is not None:
            await self._courtesy(moved, contract.AGENT_JOINED, receiver.display_name, text)
        else:
            await self._courtesy(moved, contract.AGENT_LEFT, escalation.agent_name or agent.display_name, text)
        return moved

    async def close(self, agent: Agent, escalation_id: int, *, outcome: str, handback: bool) -> Escalation:
        """Close it (completed) with the outcome the agent chose, and give the conversation back
        to the bot; with handback the bot also says it is back and asks for a CSAT rating (the
        `handback` intent). "unnecessary" is also a reporting event: the hand-over was not needed."""
        if outcome not in AGENT_OUTCOMES:
            raise Invalid(f"unknown outcome {outcome!r}; outcomes are {', '.join(AGENT_OUTCOMES)}")
        escalation = await self.get(escalation_id)
        ensure_holder(agent, escalation, "close it")
        if not escalation.is_open:
            raise Conflict(f"escalation {escalation_id} is already {escalation.state}")
        name = escalation.agent_name or agent.display_name
        await self.rasa.notice(escalation.sender_id, contract.AGENT_LEFT, name, f"{name} has left the chat.")
        await self.rasa.resume(escalation.sender_id)
        if handback:
            await self.rasa.trigger_intent(escalation.sender_id, contract.HANDBACK_INTENT)
        detail_text = f"outcome {outcome}" + ("; handed back to the bot" if handback else "")
        closed = await self.db.run(lambda s: rows.close(
            s, escalation_id, state="completed", outcome=outcome, by=agent.username, detail=detail_text,
            now=time.time(), handed_back=handback))
        await self.queue.remove(escalation_id)
        await self.live.publish_for(closed, "escalation.updated", await self.card(closed))
        return closed

    async def resolve(self, agent: Agent, escalation_id: int, *, outcome: str, handback: bool) -> Escalation:
        """The close of before issue 24 (POST /resolve, /handback): the same close."""
        return await self.close(agent, escalation_id, outcome=outcome, handback=handback)

    async def requeue(self, escalation_id: int, *, by: str, detail: str) -> Escalation:
        """Back to its team's queue, nobody holding it (a snoozed one woke while its agent was away)."""
        now = time.time()
        before = await self.get(escalation_id)
        moved = await self.db.run(lambda s: rows.requeue(s, escalation_id, team=before.team, by=by, detail=detail,
                                                          now=now))
        await self.queue.add(moved, now)
        await self.live.publish_for(before, "escalation.updated", await self.card(moved, now))
        await self.announce(moved, now)
        return moved

    async def announce(self, escalation: Escalation, now: float, *, reannounced: int = 0) -> None:
        """escalation.new to the team's consoles (again, when nobody claimed it in time)."""
        data = {**await self.card(escalation, now), "reannounced": reannounced}
        await self.live.publish_for(escalation, "escalation.new", data)

    async def _courtesy(self, escalation: Escalation, kind: str, agent_name: str, text: str) -> None:
        try:
            await self.rasa.notice(escalation.sender_id, kind, agent_name, text)
        except Exception as error:  # the change stands; the notice is a courtesy
            logger.warning("notice %s to %s not delivered: %s", kind, escalation.sender_id, error)
