"""Reporting events read from the event stream: what the bot did with a conversation.

Runs after the conversation store applied the entry (the consumer's `on_applied`), so the
conversation's slots and channel are current. Each event's key is the stream entry's id and
its kind: an entry delivered twice (a crash, a claimed entry) is stored once. The escalation's
own events (asked, queued, claimed, resolved, CSAT, ...) are written by the store with each
change (handoff/store/escalations.py).

A bot flow (an order form: delivery status, returns, changes, each starting with verification) is
followed with a mark in the conversation's state (FLOW_FIELD): set when its form starts, ended
when the form ends, and settled as completed when the bot's turn after the form ends with no
hand-over, or abandoned when the customer stops it, a person is called (a failed verification,
a policy case, the customer asking, the engine pausing the bot) or a new session starts."""

from __future__ import annotations

import json
from typing import Any, Protocol

from handoff.store import reporting
from handoff.store.db import Database
from handoff.store.reporting import ReportingEvent
from handoff.stream.events import StreamEvent

# The slots the knowledge actions set (bot/actions/knowledge.py).
ARTICLE_SLOT, NO_MATCH_SLOT, REJECTIONS_SLOT = "kb_article", "kb_no_match", "kb_rejections"
FALLBACK_INTENT = "nlu_fallback"
UNRESOLVED_SLOT = "unresolved_reason"  # contract.bot_handoff.UNRESOLVED_REASON_SLOT
FLOW_FIELD = "report:flow"
# Between a session's start and its first listen, Rasa's action_session_start sets again the
# slots it carries over: the article of the last session is not given again (decision 0227).
STARTING_FIELD = "report:session_starting"
NOT_FLOWS = frozenset({"csat_form"})  # the survey after a hand-back is no task of the customer's
STOP_ACTION, LISTEN_ACTION = "action_leave_order_form", "action_listen"
FLOW_TYPES = ("active_loop", "action", "pause")


class Conversations(Protocol):
    async def state(self, sender_id: str) -> dict[str, str]: ...
    async def transcript(self, sender_id: str) -> list[dict[str, Any]]: ...
    async def set_field(self, sender_id: str, name: str, value: str) -> None: ...


def _slot(state: dict[str, str], name: str) -> Any:
    try:
        return json.loads(state.get(f"slot:{name}", "null"))
    except ValueError:
        return None


def _last_customer_text(transcript: list[dict[str, Any]]) -> str | None:
    for line in reversed(transcript):
        if line.get("role") == "customer":
            return str(line.get("text") or "") or None
    return None


def _question_before_no(transcript: list[dict[str, Any]]) -> str | None:
    """The customer's words before their "No" to "Did that help?": the question the rejected
    answer was given for (the knowledge-gap report clusters these)."""
    said = [line for line in transcript if line.get("role") == "customer"]
    return str(said[-2].get("text") or "") or None if len(said) >= 2 else None


def events_of(event: StreamEvent, state: dict[str, str], transcript: list[dict[str, Any]]) -> list[ReportingEvent]:
    """The reporting events one stream entry stands for (most stand for none)."""
    base = {"at": event.timestamp, "sender_id": event.sender_id, "channel": state.get("channel") or event.channel}

    def one(kind: str, actor: reporting.Actor, **fields: Any) -> list[ReportingEvent]:
        return [ReportingEvent(key=f"stream:{event.entry_id}:{kind}", kind=kind, actor=actor, **base, **fields)]

    if event.type == "session_started":
        return one("conversation_started", "customer")
    if event.type == "user":
        intent = (event.event.get("parse_data") or {}).get("intent") or {}
        if intent.get("name") == FALLBACK_INTENT:
            confidence = intent.get("confidence")
            return one("nlu_fallback", "bot", value=float(confidence) if isinstance(confidence, (int, float)) else None,
                       detail=str(event.event.get("text") or ""))
        return []
    if event.type != "slot":
        return []
    name, value = event.event.get("name"), event.event.get("value")
    if name == ARTICLE_SLOT and isinstance(value, str) and value:
        return one("article_answered", "bot", detail=value)
    if name == NO_MATCH_SLOT and isinstance(value, int) and not isinstance(value, bool) and value > 0:
        # The question nothing answered: the knowledge-gap report clusters these.
        return one("no_match", "bot", value=float(value), detail=_last_customer_text(transcript))
    if name == REJECTIONS_SLOT and isinstance(value, (int, float)) and not isinstance(value, bool):
        article = _slot(state, ARTICLE_SLOT)
        article = article if isinstance(article, str) else None
        if value == 0:
            return one("helped_yes", "customer", detail=article)
        rejected = one("answer_rejected", "customer", reason=article if article and len(article) <= 64 else None,
                       detail=_question_before_no(transcript))
        return [*one("helped_no", "customer", value=float(value), detail=article), *rejected]
    return []


def _mark(state: dict[str, str]) -> dict[str, Any] | None:
    try:
        mark = json.loads(state.get(FLOW_FIELD) or "null")
    except ValueError:
        return None
    return mark if isinstance(mark, dict) and isinstance(mark.get("name"), str) else None


def flow_step(event: StreamEvent, mark: dict[str, Any] | None
              ) -> tuple[list[ReportingEvent], dict[str, Any] | None]:
    """The flow events this entry settles, and the flow mark after it."""

    def settled(kind: str, actor: reporting.Actor, reason: str | None) -> list[ReportingEvent]:
        assert mark is not None
        started = mark.get("at")
        waited = event.timestamp - started if isinstance(started, (int, float)) and event.timestamp else None
        return [ReportingEvent(key=f"stream:{event.entry_id}:{kind}", kind=kind, at=event.timestamp, actor=actor,
                               sender_id=event.sender_id, channel=event.channel or mark.get("channel"),
                               reason=reason, value=waited, detail=str(mark["name"]))]

    name = event.event.get("name")
    if event.type == "active_loop" and isinstance(name, str) and name and name not in NOT_FLOWS:
        if mark is not None and mark["name"] == name and not mark.get("ended"):
            return [], mark
        left = settled("flow_abandoned", "customer", f"switched to {name}"[:64]) if mark else []
        return left, {"name": name[:64], "at": event.timestamp, "channel": event.channel, "ended": False}
    if mark is None:
        return [], None
    if event.type == "active_loop" and not name:
        return [], {**mark, "ended": True}
    value = event.event.get("value")
    if event.type == "slot" and name == UNRESOLVED_SLOT and isinstance(value, str) and value:
        return settled("flow_abandoned", reporting.handover_actor(value), value[:64]), None
    if event.type == "pause":
        return settled("flow_abandoned", "rule", "handed_over"), None
    if event.type == "session_started":
        return settled("flow_abandoned", "customer", "left"), None
    if event.type == "action" and name == STOP_ACTION:
        return settled("flow_abandoned", "customer", "stopped"), None
    if event.type == "action" and name == LISTEN_ACTION and mark.get("ended"):
        return settled("flow_completed", "bot", None), None
    return [], mark


class StreamReporter:
    """The consumer's hook that writes a stream entry's reporting events."""

    def __init__(self, db: Database, conversations: Conversations) -> None:
        self.db = db
        self.conversations = conversations

    async def __call__(self, event: StreamEvent) -> None:
        if not event.sender_id or not event.event or event.type not in ("session_started", "user", "slot",
                                                                            *FLOW_TYPES):
            return
        state = await self.conversations.state(event.sender_id)
        needs_transcript = event.type == "slot" and event.event.get("name") in (NO_MATCH_SLOT, REJECTIONS_SLOT)
        transcript = await self.conversations.transcript(event.sender_id) if needs_transcript else []
        mark = _mark(state)
        flow_events, after = flow_step(event, mark)
        starting = state.get(STARTING_FIELD) == "1"
        name = event.event.get("name")
        carried_over = starting and event.type == "slot"
        found = [*([] if carried_over else events_of(event, state, transcript)), *flow_events]
        if found:
            await self.db.run(lambda session: [reporting.add(session, e) for e in found])
        # After the events are stored: a crash between the two replays the entry, whose events
        # are keyed by it and stored once, and then moves the mark.
        if after != mark:
            await self.conversations.set_field(event.sender_id, FLOW_FIELD, json.dumps(after) if after else "")
        if event.type == "session_started":
            await self.conversations.set_field(event.sender_id, STARTING_FIELD, "1")
        elif starting and (event.type == "user" or (event.type == "action" and name == LISTEN_ACTION)):
            await self.conversations.set_field(event.sender_id, STARTING_FIELD, "")
