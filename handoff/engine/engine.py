"""The engine: what the handoff service does with each event after the consumer applied it.

- A customer message in a conversation the bot owns: run the detector on the conversation
  since the last hand-back; a hand-over decision opens an escalation.
- The slot `unresolved_reason` set by a flow: open an escalation with that reason.
- Opening: unless one is already open for the customer, check who is available, build the
  context packet, open the escalation, pause the bot and tell the customer honestly what
  happens next (a person joining and the wait, or the hours and an email follow-up offer).
- A customer message while an escalation is open: pass it to the agent side (and read an
  answer to the email offer); while nobody has taken it yet, remind the customer where they
  stand in the queue, at most once a minute (handoff/engine/waiting.py).
- The slots csat_rating / csat_comment after a hand-back: store the rating.
- A restart or a new session while a person owns the conversation (which Rasa lets through a
  pause): pause again, so the bot never answers while a person is in charge.

Idempotent per conversation: the stream id of the last event the engine finished is kept
beside the conversation's state, so an entry delivered again after a crash is skipped. A
failure inside the engine is raised to the consumer, which retries the entry and, after its
last attempt, moves it to the dead-letter stream; other conversations keep flowing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from redis.asyncio import Redis

from contract import bot_handoff as contract
from contract.csat import parse_rating
from handoff.conversations.readable import readable
from handoff.conversations.store import ConversationStore
from handoff.engine import messages
from handoff.engine.availability import Availability, AvailabilityCheck
from handoff.engine.context import ContextBuilder, Decision
from handoff.engine.followup import FollowUpOffers, read_answer
from handoff.engine.hours import BusinessHours
from handoff.engine.teams import team_for
from handoff.engine.timeline import Timeline, from_store, from_tracker
from handoff.engine.waiting import WaitingReminders
from handoff.keys import keyed
from handoff.store.records import Escalation
from handoff.stream.consumer import RetryLater
from handoff.stream.events import StreamEvent

if TYPE_CHECKING:  # the detector loads its models on import: only when the service builds it
    from handoff.detection import Assessment, Turn

logger = logging.getLogger(__name__)

# Customer turns that are the bot's own machinery, never a sign of trouble.
QUIET_INTENTS = frozenset({contract.HANDBACK_INTENT, "rate_service", "session_start", "restart"})
CSAT_SLOTS = (contract.CSAT_RATING_SLOT, contract.CSAT_COMMENT_SLOT)
# The transcript lines read to show a customer's message to the agent: the bot's buttons before it
# (a press is shown by its title) and the messages a resent one would repeat.
RECENT_LINES = 50


class Assessor(Protocol):
    def assess(self, history: Sequence[Turn]) -> Assessment: ...


class Escalations(Protocol):
    async def open(self, *, sender_id: str, channel: str | None, reason: str, team: str,
                   frustration: float, packet: dict[str, Any]) -> Escalation: ...
    async def active_for(self, sender_id: str) -> Escalation | None: ...
    async def last_opened_at(self, sender_id: str) -> float | None: ...
    async def ahead_of(self, escalation: Escalation) -> int: ...
    async def record_customer_message(self, sender_id: str, text: str, at: float,
                                      line: dict[str, Any] | None = None) -> None: ...
    async def record_csat(self, sender_id: str, rating: int, comment: str | None) -> None: ...
    async def record_line(self, sender_id: str, line: dict[str, Any]) -> None: ...
    async def record_follow_up(self, sender_id: str, email: str | None) -> Escalation | None: ...


class Snoozing(Protocol):
    """handoff/escalations/snoozes.py: True when a snooze keeps this reply quiet."""

    async def customer_wrote(self, escalation: Escalation, text: str, at: float) -> bool: ...


class Rasa(Protocol):
    async def append(self, sender_id: str, event: dict[str, Any], *, side_effects: bool = False) -> None: ...
    async def pause(self, sender_id: str) -> None: ...
    async def resume(self, sender_id: str) -> None: ...
    async def say(self, sender_id: str, text: str, *, agent: str | None = None,
                  buttons: list[dict[str, str]] | None = None) -> None: ...
    async def tracker(self, sender_id: str) -> dict[str, Any]: ...


def stream_id_newer(a: str, b: str | None) -> bool:
    if not b:
        return True
    (am, _, asq), (bm, _, bsq) = a.partition("-"), b.partition("-")
    return (int(am), int(asq or 0)) > (int(bm), int(bsq or 0))


def stored_slot(state: dict[str, str], name: str) -> Any:
    """A slot's value as the conversation store keeps it (JSON text; ConversationStore.apply)."""
    try:
        return json.loads(state.get(f"slot:{name}", "null"))
    except ValueError:
        return None


# Long enough for one opening (a Rasa call or two, the packet, the store); short enough that a
# replica that died holding it frees the conversation within the consumer's retries.
OPENING_LOCK_SECONDS = 30


class OpeningElsewhere(RetryLater):
    """Another replica holds this conversation's opening lock; the stream entry is retried."""


class HandoffEngine:
    def __init__(self, *, redis: Redis, prefix: str, conversations: ConversationStore, escalations: Escalations,
                 rasa: Rasa, detector: Assessor, availability: AvailabilityCheck, context: ContextBuilder,
                 hours: BusinessHours, timezone_label: str, clock: Callable[[], datetime],
                 waiting_reminder_seconds: float = 60.0, owner: str = "handoff",
                 snoozes: Snoozing | None = None) -> None:
        self.redis = redis
        self.snoozes = snoozes
        # Who holds an opening lock: the replica's stream consumer name, stable across restarts.
        self.owner = owner
        self.opening: set[str] = set()
        self.prefix = prefix
        self.conversations = conversations
        self.escalations = escalations
        self.rasa = rasa
        self.detector = detector
        self.availability = availability
        self.context = context
        self.hours = hours
        self.timezone_label = timezone_label
        self.clock = clock
        self.offers = FollowUpOffers(redis, prefix)
        self.waiting = WaitingReminders(redis, prefix, waiting_reminder_seconds)
        self.opened = 0

    async def on_applied(self, event: StreamEvent, applied: bool = True) -> None:
        """The consumer's hook. `applied` is ignored on purpose: an entry the store had applied
        before a crash may still be unfinished here, and the engine keeps its own mark."""
        if not event.sender_id or not event.event:
            return
        done = await self.conversations.field(event.sender_id, "engine_last_id")
        if not stream_id_newer(event.entry_id, done):
            return
        # A failure propagates and the mark stays behind: the consumer leaves the entry pending,
        # retries it, and dead-letters it after its last attempt (handoff/stream/consumer.py),
        # while the other conversations keep flowing. Logged and marked done, a database
        # failure while opening an escalation would lose the hand-over for good.
        await self._handle(event)
        await self.conversations.set_field(event.sender_id, "engine_last_id", event.entry_id)

    async def _handle(self, event: StreamEvent) -> None:
        if event.type == "user":
            await self._customer_message(event)
        elif event.type == "bot":
            await self._bot_line(event)
        elif event.type == "slot":
            await self._slot(event)
        elif event.type == "resume":
            # The detector starts afresh after a hand-back: the old trouble was dealt with.
            await self.conversations.set_field(event.sender_id, "engine_history_from", event.entry_id)
        elif event.type in ("restart", "session_started"):
            await self._keep_paused(event.sender_id)

    # --- customer messages -------------------------------------------------------------------

    async def _customer_message(self, event: StreamEvent) -> None:
        sender = event.sender_id
        text = event.event.get("text") or ""
        parse = event.event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        escalation = await self.escalations.active_for(sender)
        if escalation is not None:
            if intent in QUIET_INTENTS:  # e.g. the hand-back's own trigger, before the escalation closed
                return
            recent = await self.conversations.recent(sender, RECENT_LINES)
            line = next((shown for shown in readable(recent) if shown.get("id") == event.entry_id), None)
            if line is None and any(entry.get("id") == event.entry_id for entry in recent):
                return  # nobody's words, or the same message again (resent after a reload)
            offered = await self._answer_offer(sender, text, intent, parse.get("entities") or [])
            shown_text = line["text"] if line else text
            if self.snoozes is not None and await self.snoozes.customer_wrote(escalation, shown_text, event.timestamp):
                return  # "thanks!" to a snoozed escalation: counted, nobody is disturbed
            await self.escalations.record_customer_message(sender, shown_text, event.timestamp, line)
            if not offered and escalation.state == "queued":
                await self._remind_waiting(sender, escalation)
            return
        if intent in QUIET_INTENTS or await self._in_survey(sender):
            return
        history = await self._history(sender)
        if not history:
            return
        assessment = await asyncio.to_thread(self.detector.assess, history)
        if assessment.handover:
            decision = Decision(assessment.reason or "frustration", float(assessment.score), dict(assessment.signals))
            await self.escalate(sender, decision, asked_at=event.timestamp)

    async def _bot_line(self, event: StreamEvent) -> None:
        """The bot's and the service's own lines (notices, reminders) of an open escalation, to the
        agent's console as they are read; an agent's words reach it as agent.message already."""
        if (event.metadata.get("kind") or None) == contract.AGENT_MESSAGE:
            return
        # A person owns every conversation with an open escalation: the cheap check first.
        if await self.conversations.field(event.sender_id, "owner") != "agent":
            return
        if await self.escalations.active_for(event.sender_id) is None:
            return
        recent = await self.conversations.recent(event.sender_id, RECENT_LINES)
        line = next((shown for shown in readable(recent) if shown.get("id") == event.entry_id), None)
        if line is not None:
            await self.escalations.record_line(event.sender_id, line)

    async def _remind_waiting(self, sender: str, escalation: Escalation) -> None:
        if not await self.waiting.due(sender):
            return
        availability = await self.availability.check(escalation.team, await self.escalations.ahead_of(escalation))
        await self._attempt("remind", sender,
                            self.rasa.say(sender, messages.still_waiting(
                                availability, self.hours, self.clock(), escalation.follow_up_email)))

    async def _in_survey(self, sender: str) -> bool:
        state = await self.conversations.state(sender)
        return state.get("slot:requested_slot", "").strip('"') in CSAT_SLOTS

    async def _history(self, sender: str) -> list[Turn]:
        from handoff.detection import Turn

        state = await self.conversations.state(sender)
        since = state.get("engine_history_from")
        turns = []
        seen: set[str] = set()
        for entry in await self.conversations.transcript(sender):
            if since and not stream_id_newer(str(entry.get("id") or "0-0"), since):
                continue
            if entry.get("role") == "customer" and entry.get("intent") in QUIET_INTENTS:
                continue
            message_id = entry.get("message_id") if entry.get("role") == "customer" else None
            if isinstance(message_id, str):
                if message_id in seen:  # the same message again (a survey question put back): once
                    continue
                seen.add(message_id)
            turns.append(Turn(role=entry.get("role") or "bot", text=entry.get("text") or "",
                              timestamp=float(entry.get("time") or 0.0), intent=entry.get("intent"),
                              confidence=entry.get("confidence"), action=entry.get("action")))
        # The history must end with the newest customer turn.
        while turns and turns[-1].role != "customer":
            turns.pop()
        return turns

    # --- slots -------------------------------------------------------------------------------

    async def _slot(self, event: StreamEvent) -> None:
        name, value = event.event.get("name"), event.event.get("value")
        if name == contract.UNRESOLVED_REASON_SLOT and isinstance(value, str) and value.strip():
            await self.escalate(event.sender_id, Decision(value.strip(), await self._score(event.sender_id), {}),
                                asked_at=event.timestamp)
        elif name == contract.CSAT_RATING_SLOT:
            rating = parse_rating(value)
            if rating is not None:
                await self.escalations.record_csat(event.sender_id, rating, None)
        elif name == contract.CSAT_COMMENT_SLOT and value is not None:
            state = await self.conversations.state(event.sender_id)
            rating = parse_rating(stored_slot(state, contract.CSAT_RATING_SLOT))
            comment = str(value).strip()
            if rating is not None:
                await self.escalations.record_csat(event.sender_id, rating, comment or None)

    async def _score(self, sender: str) -> float:
        """The frustration score to file with a flow's reason (the flow's reason decides, not the score)."""
        history = await self._history(sender)
        if not history:
            return 0.0
        return float((await asyncio.to_thread(self.detector.assess, history)).score)

    # --- opening an escalation ---------------------------------------------------------------

    async def escalate(self, sender: str, decision: Decision, *, asked_at: float) -> Escalation | None:
        """Open an escalation for `sender` unless one is open, or one was opened after `asked_at`
        (the time of the event that asks); returns it, or None if another one answers the ask."""
        lock = keyed(self.prefix, "engine:opening", sender)
        if not await self.redis.set(lock, self.owner, nx=True, ex=OPENING_LOCK_SECONDS):
            holder = await self.redis.get(lock)
            holder = holder.decode() if isinstance(holder, bytes) else holder
            if holder != self.owner or sender in self.opening:
                # Returning here would mark the entry done with no escalation: if the holder
                # dies before it opens one, the hand-over is lost. Raised, the entry is retried.
                raise OpeningElsewhere(f"an escalation for this conversation is being opened by {holder}")
            # Our own name, but not in this process: a life of ours killed while opening.
            await self.redis.set(lock, self.owner, ex=OPENING_LOCK_SECONDS)
        self.opening.add(sender)
        try:
            if await self.escalations.active_for(sender) is not None:
                return None
            # One turn asks twice (the customer's words, the bot's unresolved_reason), and two
            # replicas may each take one. The second waits on the opening lock and is retried;
            # by then a person may have closed the escalation the first opened. Opened after
            # this event, that escalation was the answer to it: another would ask them again.
            opened = await self.escalations.last_opened_at(sender)
            if asked_at > 0 and opened is not None and opened >= asked_at:
                return None
            # Pause first: building the packet takes a moment, and the bot must not answer the
            # customer's next message meanwhile. A failed pause does not stop the escalation.
            paused = await self._attempt("pause", sender, self.rasa.pause(sender))
            # A person takes over whatever flow was running: when the bot is handed the customer
            # back, a half-filled form must not swallow the hand-back as an answer.
            await self._attempt("close the flow of", sender,
                                self.rasa.append(sender, {"event": "active_loop", "name": None}))
            try:
                escalation, availability, timeline = await self._open(sender, decision)
            except Exception:
                if paused:  # no escalation after all: give the customer the bot back
                    await self._attempt("resume", sender, self.rasa.resume(sender))
                raise
            self.opened += 1
            await self._attempt("tell", sender, self._tell_customer(sender, escalation, availability, timeline))
            return escalation
        finally:
            self.opening.discard(sender)
            await self.redis.delete(lock)

    async def _open(self, sender: str, decision: Decision) -> tuple[Escalation, Availability, Timeline]:
        timeline, source = await self._timeline(sender)
        intents = [line.intent for line in timeline.customer_lines if line.intent]
        team = team_for(decision.reason, timeline.slots, intents, [e["entity"] for e in timeline.entities])
        availability = await self.availability.check(team)
        packet = await self.context.build(sender_id=sender, timeline=timeline, decision=decision,
                                          availability=availability, source=source)
        escalation = await self.escalations.open(
            sender_id=sender, channel=timeline.channel, reason=decision.reason, team=team,
            frustration=decision.score, packet=packet,
        )
        return escalation, availability, timeline

    @staticmethod
    async def _attempt(what: str, sender: str, call: Awaitable[object]) -> bool:
        """Run one call to Rasa; a failure is logged, never raised: the escalation stands, and the
        agent's first message or the hand-back goes through Rasa again."""
        try:
            await call
            return True
        except Exception as error:
            logger.error("Engine could not %s conversation %s: %s", what, sender, error)
            return False

    async def _timeline(self, sender: str) -> tuple[Timeline, str]:
        try:
            return from_tracker(await self.rasa.tracker(sender)), "tracker"
        except Exception as error:  # our own copy of the conversation will do
            logger.warning("Tracker of %s unavailable (%s); building the packet from the stream copy", sender, error)
            state = await self.conversations.state(sender)
            return from_store(await self.conversations.transcript(sender), state), "stream"

    async def _tell_customer(self, sender: str, escalation: Escalation, availability: Availability,
                             timeline: Timeline) -> None:
        await self.waiting.told(sender)
        if availability.available:
            await self.rasa.say(sender, messages.joining(availability))
            return
        email = timeline.slots.get("email")
        known = str(email) if email else None
        text = messages.unavailable(availability, self.hours, self.timezone_label, self.clock(), known)
        await self.offers.open(sender, escalation.id, known)
        await self.rasa.say(sender, text, buttons=messages.email_buttons(known))

    async def _answer_offer(self, sender: str, text: str, intent: str | None,
                            entities: list[dict[str, Any]]) -> bool:
        """Read the message as an answer to a pending email offer; False when none is pending."""
        offer = await self.offers.get(sender)
        if offer is None:
            return False
        answer = read_answer(text, intent, entities, offer.get("known_email"))
        if answer.kind == "email" and answer.email:
            await self.escalations.record_follow_up(sender, answer.email)
            await self.offers.close(sender)
            await self.rasa.say(sender, messages.follow_up_recorded(answer.email))
        elif answer.kind == "declined":
            await self.escalations.record_follow_up(sender, None)
            await self.offers.close(sender)
            await self.rasa.say(sender, messages.follow_up_declined())
        else:
            await self.offers.unanswered(sender, offer)
        return True

    async def _keep_paused(self, sender: str) -> None:
        state = await self.conversations.state(sender)
        if state.get("owner") == "agent" and await self.escalations.active_for(sender) is not None:
            logger.info("Conversation %s was restarted while a person owns it; pausing it again", sender)
            await self.rasa.pause(sender)
