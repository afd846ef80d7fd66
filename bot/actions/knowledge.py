"""Answering questions from the help centre, and learning whether the answer helped.

Two "No"s in a row, or two questions in a row the help centre cannot answer, mark the
conversation unresolved and promise a person (`bot.actions.handover.promise_person`).

What an article declares in its front matter decides how it is served (knowledge/articles.py):
an article a person handles (`handled_by: person`) comes with a "Talk to a person" button that
hands over in one step (a typed "yes please" to that offer does too), and a customer who reports
their own case of a topic the article gives to a person (front matter `person_case`; the reading
in bot/actions/own_case.py), or a damaged or wrong item whatever article comes up, is handed over
at once with the reason it names; an article about the chat itself (`about: chat`) is never served inside
the chat: the bot hands over when the article is about reaching a person, else it says in its
own words what it can do. A question about something other than the shop (outcome
`off_domain`) gets an honest "not something I can help with", never an article or a person; one
in another language the help centre cannot answer (its `language`) is told that the bot reads
English, with a person offered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handover import promise_person
from bot.actions.knowledge_client import Article, KnowledgeClient, KnowledgeUnavailable
from bot.actions.order_flows.return_matching import HANDOVER_REASONS, reason_category
from bot.actions.own_case import asks_for_exception, reports_own_case
from contract.bot_handoff import (
    DAMAGED_ITEM,
    EXPLICIT_REQUEST,
    KNOWLEDGE_NO_MATCH,
    KNOWLEDGE_REJECTED,
    LOST_PARCEL,
    PERSON_TOPIC,
    POLICY_EXCEPTION,
)
from contract.languages import ENGLISH, LANGUAGE_NAMES

# A yes that takes what was offered rather than saying the answer helped.
_TAKES_AN_OFFER = re.compile(
    r"\b(?:please|pls|plz|go ahead|do that|do it|would like|i'd like|id like|i would|that would be|"
    r"sounds good|let's do|lets do)\b",
    re.IGNORECASE,
)
FEEDBACK_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
# Pressing it is asking for a person: the request_human rules promise one (bot/actions/handover.py).
PERSON_BUTTON = {"title": "Talk to a person", "payload": "/request_human"}
WHAT_I_DO = ("I can answer questions about shipping, returns and exchanges, your orders, payment, "
             "your account, our products and Larkspur Rewards, and I can track an order or start a return.")
OFF_DOMAIN_TEXT = ("Sorry, that isn't something I can help with: I'm the shop assistant of Larkspur & Co. "
                   + WHAT_I_DO)
ABOUT_ME_TEXT = ("I'm Larkspur & Co.'s chat assistant and I answer at any hour. " + WHAT_I_DO
                 + " Whenever you'd like a person from our support team instead, just say so.")


@dataclass(frozen=True)
class Reply:
    """What the bot said to a question, as the events to return and what kind of answer it was."""

    events: list[EventType]
    # "article" or "choice": the help centre answered; "off_domain": declined as not the shop's;
    # "person": a person was promised; "about_chat": the bot said what it does; "no_match": the
    # help centre has no answer; "unavailable": the help centre could not be asked; "other_language":
    # a question in a language the bot does not read, told so with a person offered.
    kind: Literal["article", "choice", "off_domain", "person", "about_chat", "no_match", "unavailable",
                  "other_language"]


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
    if article.person_handles:
        dispatcher.utter_message(
            # Most of these articles give only part of their topic to a person (an exception, a
            # claim): "a person handles this" after the return window's rule told the customer the
            # rule itself was a person's.
            text="Did that answer your question? If your case needs more than this, I can bring in a person "
            "from our support team.",
            buttons=[*FEEDBACK_BUTTONS, PERSON_BUTTON],
        )
    else:
        dispatcher.utter_message(text="Did that help?", buttons=FEEDBACK_BUTTONS)


def case_reason(article: Article, told: str) -> str | None:
    """The hand-over reason of a case the customer told of their own: the article's case, or a
    damaged or wrong item whichever article came up ("the wrong colour turned up" may find
    "Changing an order"); None when the bot handles it."""
    return article.person_case or (DAMAGED_ITEM if reason_category(told) in HANDOVER_REASONS else None)


def told_reason(article: Article, told: str) -> str | None:
    """The hand-over reason of a message beside the article it found: an exception asked for
    ("could you allow it anyway?"), whatever the rule, or a case the customer told of their own."""
    if asks_for_exception(told):
        return POLICY_EXCEPTION
    return case_reason(article, told) if reports_own_case(told) else None


class ActionAnswerQuestion(Action):
    def __init__(self, client: KnowledgeClient | None = None) -> None:
        self.client = client or KnowledgeClient()

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return (await self.reply(dispatcher, tracker)).events

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Reply:
        """Answer the latest message (or the article chosen from a list)."""
        chosen = next(tracker.get_latest_entity_values("article_id"), None)
        try:
            if chosen:
                article = await self.client.article(str(chosen))
                if article:
                    return self._serve(dispatcher, article, [])
            question = tracker.latest_message.get("text") or ""
            result = await self.client.search(question)
        except KnowledgeUnavailable:
            dispatcher.utter_message(
                text="Sorry, I can't reach our help centre right now. Please try again in a minute, "
                "or ask for a person and someone from our team will help."
            )
            return Reply([], "unavailable")

        if result.language != ENGLISH and result.language in LANGUAGE_NAMES \
                and result.outcome in ("off_domain", "no_match"):
            # A shop question, likely, in a language the help centre does not read: not "that isn't
            # something I can help with". No count towards a person: the button brings one.
            dispatcher.utter_message(
                text=f"Sorry, I can only read English for now, so I couldn't answer that. Could you ask me in "
                f"English? If you'd rather write in {LANGUAGE_NAMES[result.language]}, I can bring in a person "
                "from our support team.",
                buttons=[PERSON_BUTTON],
            )
            return Reply([SlotSet("kb_awaiting_feedback", False)], "other_language")
        if result.outcome == "off_domain":
            # Not a miss of the help centre: no count towards a person, and no article.
            dispatcher.utter_message(text=OFF_DOMAIN_TEXT)
            return Reply([SlotSet("kb_awaiting_feedback", False)], "off_domain")
        if result.outcome == "confident" and result.results:
            top, *others = result.results
            reason = told_reason(top, question)
            if reason:
                return Reply(self._hand_over_case(dispatcher, top, question, reason), "person")
            return self._serve(dispatcher, top, [a.article_id for a in others])
        if result.outcome == "unsure" and result.results:
            dispatcher.utter_message(
                text="I'm not completely sure which of these you need. Is it one of them?",
                buttons=choice_buttons(result.results),
            )
            return Reply([SlotSet("kb_awaiting_feedback", True), SlotSet("kb_alternatives", []),
                          SlotSet("kb_no_match", 0)], "choice")
        return self._no_match(dispatcher, tracker)

    async def hand_over_reported_case(self, dispatcher: CollectingDispatcher, text: str) -> list[EventType]:
        """Before a flow starts on a report of the customer's own case ("I got charged twice",
        which the NLU may read as a cancellation): the events that hand it over when the help
        centre's answer gives the case to a person; empty when it does not, or cannot be asked."""
        try:
            result = await self.client.search(text)
        except KnowledgeUnavailable:
            return []
        if result.outcome == "confident" and result.results:
            reason = told_reason(result.results[0], text)
            if reason:
                return self._hand_over_case(dispatcher, result.results[0], text, reason)
        return []

    @classmethod
    def _serve(cls, dispatcher: CollectingDispatcher, article: Article, alternatives: list[str]) -> Reply:
        """Serve one article as its front matter says."""
        if article.about_chat and article.person_handles:
            # The article is about reaching a person: the customer wants one.
            return Reply([SlotSet("kb_awaiting_feedback", False),
                          *promise_person(dispatcher, EXPLICIT_REQUEST, response="utter_handoff_requested")], "person")
        if article.about_chat:
            dispatcher.utter_message(text=ABOUT_ME_TEXT, buttons=[PERSON_BUTTON])
            return Reply([SlotSet("kb_awaiting_feedback", False), SlotSet("kb_no_match", 0)], "about_chat")
        answer(dispatcher, article)
        return Reply(cls._answered(article.article_id, alternatives), "article")

    @staticmethod
    def _hand_over_case(dispatcher: CollectingDispatcher, article: Article, question: str,
                        reason: str) -> list[EventType]:
        """The customer told their own case of a topic a person handles: one step, for `reason`."""
        # The flows' own words where a flow hands over the same case; the rest in general words.
        if reason == DAMAGED_ITEM:
            promised = promise_person(dispatcher, DAMAGED_ITEM, response="utter_damaged_handover")
        elif reason == POLICY_EXCEPTION:
            promised = promise_person(dispatcher, POLICY_EXCEPTION, response="utter_policy_exception_handover")
        elif reason == LOST_PARCEL:
            promised = promise_person(
                dispatcher, LOST_PARCEL, text="I'm sorry your parcel hasn't reached you. Lost parcels are handled "
                "by a person, who opens an investigation with the carrier, and you choose a replacement or a refund. "
                "I'm bringing in a person from our team now.")
        else:
            # The rule itself comes first ("backpacks have a lifetime warranty"): the customer knows
            # where they stand while the person is on the way, and need not ask again.
            dispatcher.utter_message(text=f"I'm sorry about that. {article.text}")
            promised = promise_person(
                dispatcher, PERSON_TOPIC, text="A person from our support team handles your case, not me: I'm "
                "bringing in a person from our team now, and they'll see everything you've told me.")
        events: list[EventType] = [SlotSet("kb_article", article.article_id), SlotSet("kb_awaiting_feedback", False),
                                   SlotSet("kb_no_match", 0), *promised]
        if reason == DAMAGED_ITEM:
            events.append(SlotSet("return_reason", question[:300]))  # for the agent's packet, as form_exits does
        return events

    @staticmethod
    def _answered(article_id: str, alternatives: list[str]) -> list[EventType]:
        return [
            SlotSet("kb_article", article_id),
            SlotSet("kb_alternatives", alternatives),
            SlotSet("kb_awaiting_feedback", True),
            SlotSet("kb_no_match", 0),
        ]

    @staticmethod
    def _no_match(dispatcher: CollectingDispatcher, tracker: Tracker) -> Reply:
        misses = _count(tracker, "kb_no_match") + 1
        events: list[EventType] = [SlotSet("kb_no_match", misses), SlotSet("kb_awaiting_feedback", False)]
        if misses >= 2:
            return Reply([*events, *promise_person(
                dispatcher, KNOWLEDGE_NO_MATCH,
                text="I'm sorry, I still don't have an answer for that. This needs a person from our team.",
            )], "person")
        dispatcher.utter_message(
            text="I'm sorry, I don't know the answer to that. Could you put it another way? "
            "I know about shipping, returns, orders, payment, your account, our products and Rewards."
        )
        return Reply(events, "no_match")


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
            if await self._takes_the_person(tracker):
                return [SlotSet("kb_awaiting_feedback", False), SlotSet("kb_rejections", 0),
                        *promise_person(dispatcher, EXPLICIT_REQUEST, response="utter_handoff_requested")]
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

    async def _takes_the_person(self, tracker: Tracker) -> bool:
        """After an article a person handles the bot asks "did that answer your question, or would
        you like to talk to a person?": a typed "yes please" takes the offer, where the "Yes"
        button and "yes, thanks" say the answer helped."""
        text = tracker.latest_message.get("text") or ""
        article_id = tracker.get_slot("kb_article")
        if not article_id or text.startswith("/") or not _TAKES_AN_OFFER.search(text[:300]):
            return False
        try:
            article = await self.client.article(str(article_id))
        except KnowledgeUnavailable:
            return False
        return bool(article and article.person_handles)
