"""The knowledge actions, run against the real knowledge service."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.knowledge import (
    ABOUT_ME_TEXT,
    OFF_DOMAIN_TEXT,
    PERSON_BUTTON,
    ActionAnswerQuestion,
    ActionKnowledgeFeedback,
)
from bot.actions.knowledge_client import KnowledgeClient
from bot.actions.settings import ActionSettings
from contract.bot_handoff import (
    DAMAGED_ITEM,
    EXPLICIT_REQUEST,
    KNOWLEDGE_NO_MATCH,
    KNOWLEDGE_REJECTED,
    PERSON_TOPIC,
    POLICY_EXCEPTION,
)
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
    assert f"{client.settings.knowledge_url}/help/shipping-express" in answer["text"]  # KNOWLEDGE_PUBLIC_URL unset
    assert question["text"] == "Did that help?"
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]
    slots = slots_of(events)
    assert slots["kb_article"] == "shipping-express" and slots["kb_awaiting_feedback"] is True


async def test_two_no_matches_in_a_row_mark_the_conversation_unresolved(client: KnowledgeClient) -> None:
    # Shop questions the help centre has no article for (knowledge/negatives/not_covered.txt).
    action = ActionAnswerQuestion(client)
    first = CollectingDispatcher()
    events = await action.run(first, tracker("do you have a physical store"), {})
    assert "don't know" in first.messages[0]["text"]
    assert slots_of(events) == {"kb_no_match": 1, "kb_awaiting_feedback": False}

    second = CollectingDispatcher()
    events = await action.run(second, tracker("can i pick up my order in store", slots={"kb_no_match": 1}), {})
    assert slots_of(events)["unresolved_reason"] == KNOWLEDGE_NO_MATCH
    assert "person" in second.messages[0]["text"]


@pytest.mark.parametrize("question", ["what's a good recipe for sourdough bread", "who won the football last night"])
async def test_an_off_domain_question_is_declined_without_an_article_or_a_person(
    client: KnowledgeClient, question: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker(question, slots={"kb_no_match": 1}), {})
    assert [m["text"] for m in dispatcher.messages] == [OFF_DOMAIN_TEXT]
    # Not a miss of the help centre: the count towards a person stays where it was.
    assert slots_of(events) == {"kb_awaiting_feedback": False}


@pytest.mark.parametrize(("question", "language"), [("Wie viel kostet der Versand nach Österreich?", "German"),
                                                  ("Kan ik mijn bestelling nog annuleren?", "Dutch")])
async def test_a_question_in_another_language_is_told_the_bot_reads_english(
    client: KnowledgeClient, question: str, language: str
) -> None:
    # Not "that isn't something I can help with": a shop question, likely, the help centre cannot read.
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker(question, slots={"kb_no_match": 1}), {})
    [said] = dispatcher.messages
    assert "only read English" in said["text"] and language in said["text"]
    assert said["buttons"] == [PERSON_BUTTON]
    assert slots_of(events) == {"kb_awaiting_feedback": False}  # no miss counted: the button brings a person


def chose(article_id: str) -> Tracker:
    entities = [{"entity": "article_id", "value": article_id}]
    return tracker(f'/choose_article{{"article_id": "{article_id}"}}', "choose_article", entities=entities)


async def test_an_article_a_person_handles_comes_with_a_talk_to_a_person_button(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, chose("returns-damaged-wrong"), {})
    passage, question = dispatcher.messages
    assert "returns-damaged-wrong" in passage["text"]
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny", PERSON_BUTTON["payload"]]
    assert "unresolved_reason" not in slots_of(events)  # offered, not yet asked for


async def test_an_article_about_reaching_a_person_is_never_served_a_person_is_brought_in(
    client: KnowledgeClient,
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, chose("support-human-agent"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_requested"]
    assert slots_of(events)["unresolved_reason"] == EXPLICIT_REQUEST


async def test_an_article_about_the_chat_is_said_in_the_bots_own_words(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, chose("support-assistant"), {})
    [message] = dispatcher.messages
    assert message["text"] == ABOUT_ME_TEXT and message["buttons"] == [PERSON_BUTTON]
    assert "unresolved_reason" not in slots_of(events)


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


@pytest.mark.parametrize(("text", "takes_the_person"), [
    ("yes please", True), ("yes I would, thanks", True), ("/affirm", False), ("yes thanks, that helped", False)])
async def test_yes_please_after_an_article_a_person_handles_takes_the_person(
    client: KnowledgeClient, text: str, takes_the_person: bool,
) -> None:
    # The bot asked "did that answer your question, or would you like to talk to a person?".
    dispatcher = CollectingDispatcher()
    slots = {"kb_awaiting_feedback": True, "kb_article": "products-warranty-claim"}
    events = await ActionKnowledgeFeedback(client).run(dispatcher, tracker(text, "affirm", slots), {})
    assert (slots_of(events).get("unresolved_reason") == EXPLICIT_REQUEST) is takes_the_person
    assert slots_of(events)["kb_awaiting_feedback"] is False


async def test_yes_please_after_an_article_the_bot_handles_is_thanks(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"kb_awaiting_feedback": True, "kb_article": "shipping-express"}
    events = await ActionKnowledgeFeedback(client).run(dispatcher, tracker("yes please", "affirm", slots), {})
    assert "unresolved_reason" not in slots_of(events) and "Glad" in dispatcher.messages[0]["text"]


async def test_yes_resets_the_count(client: KnowledgeClient) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionKnowledgeFeedback(client).run(dispatcher, tracker("yes", "affirm", {"kb_rejections": 1}), {})
    assert slots_of(events) == {"kb_awaiting_feedback": False, "kb_rejections": 0}


async def test_unreachable_service_is_said_honestly() -> None:
    client = KnowledgeClient(ActionSettings(knowledge_url="http://127.0.0.1:1", knowledge_timeout=2))
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker("how do returns work"), {})
    assert events == [] and "can't reach our help centre" in dispatcher.messages[0]["text"]


async def test_a_customer_reporting_a_case_an_article_gives_to_a_person_is_handed_over_at_once(
    client: KnowledgeClient,
) -> None:
    # The article's front matter names the case (`person_case`), not a list in the bot.
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(
        dispatcher, tracker("the strap on my new backpack snapped after two weeks"), {})
    slots = slots_of(events)
    assert slots["unresolved_reason"] == PERSON_TOPIC and slots["kb_awaiting_feedback"] is False
    assert slots["kb_article"].startswith("products-warranty")
    rule, said = dispatcher.messages  # the rule first, then the person
    assert "warranty" in rule["text"]
    assert "A person from our support team handles your case" in said["text"] and not said["buttons"]


@pytest.mark.parametrize(("text", "reason"), [
    ("My jacket arrived torn, what should I do?", DAMAGED_ITEM),
    # Past the window, the customer's own circumstances make the question a request for an exception.
    ("I know it's been 35 days but I was in hospital, can I still return my sweater?", POLICY_EXCEPTION),
    # A wrong item told is a person's case whichever article the search finds for it.
    ("A different size came, I ordered a medium and got a small. What now?", DAMAGED_ITEM),
    # An exception asked for, with no event of the customer's own told: still a person's to decide.
    ("it's a few days past the 30 days, they were a gift. could you allow it anyway?", POLICY_EXCEPTION),
    ("the promo code expired yesterday, can you let it slide?", POLICY_EXCEPTION),
])
async def test_a_case_told_then_asked_about_is_handed_over(client: KnowledgeClient, text: str, reason: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker(text), {})
    assert slots_of(events)["unresolved_reason"] == reason


@pytest.mark.parametrize("text", ["how do I make a warranty claim?", "do you ever make exceptions to the 30 days?"])
async def test_a_question_about_a_case_a_person_handles_gets_the_article_and_the_offer(
    client: KnowledgeClient, text: str,
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion(client).run(dispatcher, tracker(text), {})
    assert "unresolved_reason" not in slots_of(events)
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == ["/affirm", "/deny", PERSON_BUTTON["payload"]]
