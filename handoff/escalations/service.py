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
from typing import Any

from sqlalchemy.exc import IntegrityError

from contract import bot_handoff as contract
from contract.csat import parse_rating
from handoff.auth.access import can_see, ensure_can_claim, ensure_holder, ensure_visible
from handoff.clients.rasa import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.errors import Conflict, Invalid
from handoff.escalations.cards import card, detail
from handoff.escalations.queue import EscalationQueue
from handoff.escalations.transcripts import scoped
from handoff.realtime.live import LiveHub
from handoff.store import Agent, Database, Escalation, Note
from handoff.store import escalations as rows
from handoff.store.records import OPEN_STATES, OUTCOMES, STATES, TEAMS

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


class EscalationService:
    def __init__(self, db: Database, queue: EscalationQueue, live: LiveHub, rasa: RasaClient) -> None:
        self.db = db
        self.queue = queue
        self.live = live
        self.rasa = rasa

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

    async def ahead_of(self, escalation: Escalation) -> int:
        """How many escalations of the same team wait before this queued one (by priority)."""
        queued = {e.id: e.team for e in await self.db.run(rows.queued)}
        same_team = [i for i in await self.queue.ordered() if queued.get(i) == escalation.team]
        return same_team.index(escalation.id) if escalation.id in same_team else len(same_team)

    async def history_for(self, sender_id: str | None = None, email: str | None = None) -> list[Escalation]:
        return await self.db.run(lambda s: rows.history_for(s, sender_id, email))

    async def record_customer_message(self, sender_id: str, text: str, at: float) -> None:
        """A customer of an open escalation wrote: push it to the agent (or the team while queued)."""
        escalation = await self.active_for(sender_id)
        if escalation is not None:
            await self.live.publish_for(escalation, "customer.message", {"text": text, "at": at})

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
        updated = await self.db.run(lambda s: rows.set_follow_up(s, escalation.id, email=address))
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
        lines = await conversations.transcript(escalation.sender_id)
        others = await self.db.run(lambda s: rows.of_conversation(s, escalation.sender_id))
        return scoped(lines, escalation, others, lambda other: can_see(agent, other))

    async def card(self, escalation: Escalation, now: float | None = None) -> dict[str, Any]:
        now = now or time.time()
        priority = (await self.queue.priorities([escalation.id], now)).get(escalation.id)
        return card(escalation, priority, now)

    async def detail(self, escalation: Escalation, agent: Agent | None = None) -> dict[str, Any]:
        """The whole escalation; for `agent`, its packet without what other teams handled: the
        transcript's stretches under their escalations, and their earlier escalations."""
        now = time.time()
        priority = (await self.queue.priorities([escalation.id], now)).get(escalation.id)
        if agent is None or agent.is_admin:
            return detail(escalation, priority, now)
        packet = dict(escalation.packet)
        if isinstance(packet.get("transcript"), list):
            others = await self.db.run(lambda s: rows.of_conversation(s, escalation.sender_id))
            lines = [line for line in packet["transcript"] if isinstance(line, dict)]
            packet["transcript"] = scoped(lines, escalation, others, lambda other: can_see(agent, other))
        if isinstance(packet.get("earlier_escalations"), list):
            packet["earlier_escalations"] = [
                earlier for earlier in packet["earlier_escalations"]
                if isinstance(earlier, dict) and earlier.get("team") in agent.teams]
        return detail(escalation, priority, now, packet)

    async def listing(self, agent: Agent, *, state: str | None, mine: bool) -> list[dict[str, Any]]:
        """The agent's queue: highest priority first while queued, newest first otherwise."""
        if state is not None and state not in STATES:
            raise Invalid(f"unknown state {state!r}; states are {', '.join(STATES)}")
        states = [state] if state else list(OPEN_STATES)
        found = await self.db.run(lambda s: rows.listing(s, agent, states=states, mine=mine))
        now = time.time()
        priorities = await self.queue.priorities([e.id for e in found if e.state == "queued"], now)
        cards = [card(e, priorities.get(e.id), now) for e in found]
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

    async def send(self, agent: Agent, escalation_id: int, text: str) -> dict[str, Any]:
        text = clean_text(text, "message")
        escalation = await self.get(escalation_id)
        ensure_holder(agent, escalation, "write to the customer")
        if escalation.state != "accepted":
            raise Conflict(f"escalation {escalation_id} is {escalation.state}; messages go to accepted ones only")
        await self.rasa.say(escalation.sender_id, text, agent=agent.display_name)
        await self.live.agent_stopped_typing(escalation.sender_id)
        sent = {"text": text, "at": time.time(), "agent": agent.username, "agent_name": agent.display_name}
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

    async def transfer(self, agent: Agent, escalation_id: int, *, to_agent: Agent | None = None,
                       to_team: str | None = None, online: bool = True) -> Escalation:
        """To an agent (it stays accepted, now theirs) or to a team (back in the queue)."""
        if (to_agent is None) == (to_team is None):
            raise Invalid("name either an agent or a team to transfer to, not both")
        escalation = await self.get(escalation_id)
        if escalation.state == "accepted":
            ensure_holder(agent, escalation, "transfer it")
        else:
            ensure_visible(agent, escalation)
        now = time.time()
        if to_team is not None:
            if to_team not in TEAMS:
                raise Invalid(f"unknown team {to_team!r}; teams are {', '.join(TEAMS)}")
            moved = await self.db.run(lambda s: rows.requeue(
                s, escalation_id, team=to_team, by=agent.username, detail=f"transferred to team {to_team}", now=now))
            await self.queue.add(moved, now)
            await self.live.publish_for(escalation, "escalation.updated", await self.card(moved, now))
            await self.announce(moved, now)
            if escalation.agent_name:
                await self._courtesy(escalation, contract.AGENT_LEFT, escalation.agent_name,
                                     f"{escalation.agent_name} has passed your conversation to our {to_team} team; "
                                     "someone will be with you shortly.")
            return moved
        assert to_agent is not None
        if not online:
            raise Conflict(f"{to_agent.display_name} is not online; transfer to a team instead")
        moved = await self.db.run(lambda s: rows.reassign(s, escalation_id, to=to_agent, by=agent.username, now=now))
        await self.queue.remove(escalation_id)
        await self.live.publish_for(moved, "escalation.updated", await self.card(moved, now),
                                    also_agents=[escalation.agent], also_teams=[escalation.team])
        await self._courtesy(moved, contract.AGENT_JOINED, to_agent.display_name,
                             f"{to_agent.display_name} from Larkspur & Co. has joined the chat.")
        return moved

    async def resolve(self, agent: Agent, escalation_id: int, *, outcome: str, handback: bool) -> Escalation:
        """Close it (completed, with the outcome) and give the conversation back to the bot; with
        handback the bot says it is back and asks for a CSAT rating (the `handback` intent)."""
        if outcome not in OUTCOMES:
            raise Invalid(f"unknown outcome {outcome!r}; outcomes are {', '.join(OUTCOMES)}")
        escalation = await self.get(escalation_id)
        ensure_holder(agent, escalation, "resolve it")
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
            now=time.time()))
        await self.queue.remove(escalation_id)
        await self.live.publish_for(closed, "escalation.updated", await self.card(closed))
        return closed

    async def announce(self, escalation: Escalation, now: float, *, reannounced: int = 0) -> None:
        """escalation.new to the team's consoles (again, when nobody claimed it in time)."""
        data = {**await self.card(escalation, now), "reannounced": reannounced}
        await self.live.publish_for(escalation, "escalation.new", data)

    async def _courtesy(self, escalation: Escalation, kind: str, agent_name: str, text: str) -> None:
        try:
            await self.rasa.notice(escalation.sender_id, kind, agent_name, text)
        except Exception as error:  # the change stands; the notice is a courtesy
            logger.warning("notice %s to %s not delivered: %s", kind, escalation.sender_id, error)
