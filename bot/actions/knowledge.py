"""Answering questions from the help centre, and learning whether the answer helped.

Two "No"s in a row, or two questions in a row the help centre cannot answer, mark the
conversation unresolved and promise a person (`bot.actions.handover.promise_person`).
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handover import promise_person
from bot.actions.knowledge_client import Article, KnowledgeClient, KnowledgeUnavailable
from contract.bot_handoff import KNOWLEDGE_NO_MATCH, KNOWLEDGE_REJECTED

FEEDBACK_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def _count(tracker: Tracker, slot: str) -> int:
    return int(tracker.get_slot(slot) or 0)


def choice_buttons(articles: list[Article]) -> list[dict[str, str]]:
    buttons = [
        {"title": a.title, "payload": "/choose_article" + json.dumps({"article_id": a.article_id})}
        for a in articles
    ]
    return [*buttons, {"title": "None of these", "payload": "/deny"}]


def answer(dispatcher: CollectingDispatcher, article: Article) -> None:
    dispatcher.utter_message(text=f"{article.text}\n\nMore in our help centre: {article.title} {article.url}")
    dispatcher.utter_message(text="Did that help?", buttons=FEEDBACK_BUTTONS)


class ActionAnswerQuestion(Action):
    def __init__(self, client: KnowledgeClient | None = None) -> None:
        self.client = client or KnowledgeClient()

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        chosen = next(tracker.get_latest_entity_values("article_id"), None)
        try:
            if chosen:
                article = await self.client.article(str(chosen))
                if article:
                    answer(dispatcher, article)
                    return self._answered(article.article_id, [])
            question = tracker.latest_message.get("text") or ""
            result = await self.client.search(question)
        except KnowledgeUnavailable:
            dispatcher.utter_message(
                text="Sorry, I can't reach our help centre right now. Please try again in a minute, "
                "or ask for a person and someone from our team will help."
            )
            return []

        if result.outcome == "confident" and result.results:
            top, *others = result.results
            answer(dispatcher, top)
            return self._answered(top.article_id, [a.article_id for a in others])
        if result.outcome == "unsure" and result.results:
            dispatcher.utter_message(
                text="I'm not completely sure which of these you need. Is it one of them?",
                buttons=choice_buttons(result.results),
            )
            return [SlotSet("kb_awaiting_feedback", True), SlotSet("kb_alternatives", []), SlotSet("kb_no_match", 0)]
        return self._no_match(dispatcher, tracker)

    @staticmethod
    def _answered(article_id: str, alternatives: list[str]) -> list[EventType]:
        return [
            SlotSet("kb_article", article_id),
            SlotSet("kb_alternatives", alternatives),
            SlotSet("kb_awaiting_feedback", True),
            SlotSet("kb_no_match", 0),
        ]

    @staticmethod
    def _no_match(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        misses = _count(tracker, "kb_no_match") + 1
        events: list[EventType] = [SlotSet("kb_no_match", misses), SlotSet("kb_awaiting_feedback", False)]
        if misses >= 2:
            events += promise_person(
                dispatcher, KNOWLEDGE_NO_MATCH,
                text="I'm sorry, I still don't have an answer for that. This needs a person from our team.",
            )
        else:
            dispatcher.utter_message(
                text="I'm sorry, I don't know the answer to that. Could you put it another way? "
                "I know about shipping, returns, orders, payment, your account, our products and Rewards."
            )
        return events


class ActionKnowledgeFeedback(Action):
    """The customer's answer to "Did that help?"."""

    def __init__(self, client: KnowledgeClient | None = None) -> None:
        self.client = client or KnowledgeClient()

    def name(self) -> str:
        return "action_knowledge_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "affirm":
            dispatcher.utter_message(text="Glad that helped! Is there anything else I can do for you?")
            return [SlotSet("kb_awaiting_feedback", False), SlotSet("kb_rejections", 0)]

        rejections = _count(tracker, "kb_rejections") + 1
        events: list[EventType] = [SlotSet("kb_rejections", rejections), SlotSet("kb_awaiting_feedback", False)]
        if rejections >= 2:
            return [*events, *promise_person(
                dispatcher, KNOWLEDGE_REJECTED,
                text="I'm sorry I couldn't find the right answer. This needs a person from our team.",
            )]

        alternatives = []
        for article_id in tracker.get_slot("kb_alternatives") or []:
            try:
                article = await self.client.article(article_id)
            except KnowledgeUnavailable:
                break
            if article:
                alternatives.append(article)
        if alternatives:
            dispatcher.utter_message(text="Sorry about that. Is it one of these?", buttons=choice_buttons(alternatives))
            return [*events, SlotSet("kb_alternatives", []), SlotSet("kb_awaiting_feedback", True)]
        dispatcher.utter_message(text="Sorry about that. Could you tell me a little more, in other words?")
        return events
