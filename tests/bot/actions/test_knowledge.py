"""The knowledge actions, run against the real knowledge service."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.knowledge import ActionAnswerQuestion, ActionKnowledgeFeedback
from bot.actions.knowledge_client import KnowledgeClient
from bot.actions.settings import ActionSettings
from contract.bot_handoff import KNOWLEDGE_NO_MATCH, KNOWLEDGE_REJECTED
from tests.conftest import Stack


@pytest.fixture(scope="module")
def client(knowledge_stack: Stack) -> KnowledgeClient:
    return KnowledgeClient(ActionSettings(knowledge_url=knowledge_stack.url("knowledge"), knowledge_timeout=10))


def tracker(text: str, intent: str = "ask_question", slots: dict[str, Any] | None = None,
            entities: list[dict] | None = None) -> Tracker:
    return Tracker(
        sender_id="test", slots=slots or {}, latest_message={
            "text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_confident_answer_has_passage_link_and_feedback_buttons(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker("How long does Express shipping take?"), {})
    answer, question = dispatcher.messages
    assert "1 to 2 business days" in answer["text"]
    assert "https://larkspur.example/help/shipping-express" in answer["text"]
    assert question["text"] == "Did that help?"
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]
    slots = slots_of(events)
    assert slots["kb_article"] == "shipping-express" and slots["kb_awaiting_feedback"] is True


async def test_two_no_matches_in_a_row_mark_the_conversation_unresolved(client: KnowledgeClient) -> None:
    action = ActionAnswerQuestion(client)
    first = CollectingDispatcher()
    events = await action.run(first, tracker("what's a good recipe for sourdough bread"), {})
    assert "don't know" in first.messages[0]["text"]
    assert slots_of(events) == {"kb_no_match": 1, "kb_awaiting_feedback": False}

    second = CollectingDispatcher()
    events = await action.run(second, tracker("who won the football last night", slots={"kb_no_match": 1}), {})
    assert slots_of(events)["unresolved_reason"] == KNOWLEDGE_NO_MATCH
    assert "person" in second.messages[0]["text"]


async def test_chosen_article_is_answered_directly(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "article_id", "value": "returns-final-sale"}]
    payload = '/choose_article{"article_id": "returns-final-sale"}'
    chosen = tracker(payload, "choose_article", entities=entities)
    events = await ActionAnswerQuestion(client).run(dispatcher, chosen, {})
    assert slots_of(events)["kb_article"] == "returns-final-sale"
    assert "returns-final-sale" in dispatcher.messages[0]["text"]


async def test_no_then_no_again_is_unresolved(client: KnowledgeClient) -> None:
    feedback = ActionKnowledgeFeedback(client)
    first = CollectingDispatcher()
    slots = {"kb_awaiting_feedback": True, "kb_alternatives": ["returns-how-to", "returns-policy"]}
    events = await feedback.run(first, tracker("no", "deny", slots), {})
    buttons = first.messages[0]["buttons"]
    assert [json.loads(b["payload"].removeprefix("/choose_article"))["article_id"] for b in buttons[:-1]] == [
        "returns-how-to", "returns-policy"]
    assert buttons[-1]["payload"] == "/deny"
    assert slots_of(events)["kb_rejections"] == 1

    second = CollectingDispatcher()
    events = await feedback.run(second, tracker("no", "deny", {"kb_rejections": 1, "kb_awaiting_feedback": True}), {})
    assert slots_of(events)["unresolved_reason"] == KNOWLEDGE_REJECTED


async def test_yes_resets_the_count(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionKnowledgeFeedback(client).run(dispatcher, tracker("yes", "affirm", {"kb_rejections": 1}), {})
    assert slots_of(events) == {"kb_awaiting_feedback": False, "kb_rejections": 0}


async def test_unreachable_service_is_said_honestly() -> None:
    client = KnowledgeClient(ActionSettings(knowledge_url="http://127.0.0.1:1", knowledge_timeout=2))
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker("how do returns work"), {})
    assert events == [] and "can't reach our help centre" in dispatcher.messages[0]["text"]
