"""The bot's side of a hand-back: the rating and comment of the satisfaction survey."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import (
    ActionCsatDone,
    ActionHandback,
    ActionRestartKeepingPause,
    ValidateCsatForm,
    asks_something,
    is_skip,
    parse_rating,
)


@pytest.mark.parametrize(("value", "rating"), [
    (4, 4), (5.0, 5), ("3", 3), ("five", 5), ("I'd say 4/5", 4), ("4 out of 5", 4), ("⭐⭐", 2),
    (0, None), (6, None), (4.5, None), (True, None), ("", None), ("where is my order", None),
    ("between 3 and 4", None), ("LK-100235", None), ('/rate_service{"csat_rating": 4}', None),
])
def test_parse_rating(value: object, rating: int | None) -> None:
    assert parse_rating(value) == rating


@pytest.mark.parametrize(("text", "skip"), [("skip", True), ("No thanks.", True), ("/deny", True),
                                            ("no, it was great", False), ("Sam was kind", False)])
def test_is_skip(text: str, skip: bool) -> None:
    assert is_skip(text) is skip


def tracker(text: str, requested: str | None) -> Tracker:
    return Tracker("c1", {"requested_slot": requested}, {"text": text, "intent": {"name": "nlu_fallback"}},
                   [], False, None, {"name": "csat_form"}, "action_listen")


def test_a_rating_is_kept_and_anything_else_ends_the_survey() -> None:
    form, dispatcher = ValidateCsatForm(), CollectingDispatcher()
    kept = asyncio.run(form.validate_csat_rating("4", dispatcher, tracker("4", "csat_rating"), {}))
    assert kept == {"csat_rating": 4} and dispatcher.messages == []
    ended = asyncio.run(form.validate_csat_rating("where is my order?", dispatcher,
                                                  tracker("where is my order?", "csat_rating"), {}))
    assert ended == {"csat_rating": None, "requested_slot": None}


@pytest.mark.parametrize(("rating", "response"), [(4.0, "utter_csat_thanks"), (None, "utter_csat_skipped")])
def test_the_end_of_the_survey_thanks_only_for_a_rating(rating: float | None, response: str) -> None:
    dispatcher = CollectingDispatcher()
    done = Tracker("c1", {"csat_rating": rating}, {"text": "x"}, [], False, None, {}, "csat_form")
    assert asyncio.run(ActionCsatDone().run(dispatcher, done, {})) == []
    assert [m["response"] for m in dispatcher.messages] == [response]


def test_the_cleared_slots_of_a_new_survey_are_not_answers() -> None:
    # The hand-back clears csat_rating/csat_comment; the form validates those SlotSets on activation.
    form, dispatcher = ValidateCsatForm(), CollectingDispatcher()
    assert asyncio.run(form.validate_csat_rating(None, dispatcher, tracker("/handback", None), {})) \
        == {"csat_rating": None}
    assert asyncio.run(form.validate_csat_comment(None, dispatcher, tracker("/handback", None), {})) \
        == {"csat_comment": None}
    assert dispatcher.messages == []


def test_comment_or_skip() -> None:
    form, dispatcher = ValidateCsatForm(), CollectingDispatcher()
    assert asyncio.run(form.validate_csat_comment(" Sam was kind ", dispatcher, tracker("x", "csat_comment"), {})) \
        == {"csat_comment": "Sam was kind"}
    assert asyncio.run(form.validate_csat_comment("/deny", dispatcher, tracker("x", "csat_comment"), {})) \
        == {"csat_comment": ""}


def test_handback_says_it_is_back_and_clears_the_last_survey() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandback().run(dispatcher, tracker("/handback", "csat_rating"), {}))
    assert dispatcher.messages[0]["response"] == "utter_handback"
    assert [(e["name"], e["value"]) for e in events] == [("csat_rating", None), ("csat_comment", None)]


@pytest.mark.parametrize(("paused", "events"), [(True, ["restart", "action", "pause"]), (False, ["restart"])])
def test_a_restart_keeps_a_paused_conversation_paused(paused: bool, events: list[str]) -> None:
    restarting = Tracker("c1", {}, {"text": "/restart", "intent": {"name": "restart"}}, [], paused, None, {},
                         "action_listen")
    dispatcher = CollectingDispatcher()
    assert [e["event"] for e in asyncio.run(ActionRestartKeepingPause().run(dispatcher, restarting, {}))] == events
    assert dispatcher.messages == []


@pytest.mark.parametrize(("text", "asks"), [
    ("Oh one more thing, do you ship to Mexico?", True), ("thanks! also can you check my refund", True),
    ("where is my parcel", True), ("Is it too late to change the address", True), ("refund?", True),
    ("Maya was lovely, thank you", False), ("It took too long", False), ("do it", False), ("/deny", False),
    ("", False), (None, False),
])
def test_asks_something(text: str | None, asks: bool) -> None:
    assert asks_something(text) is asks


def test_a_comment_that_asks_something_is_no_comment_and_is_answered() -> None:
    form, dispatcher = ValidateCsatForm(), CollectingDispatcher()
    question = "Oh one more thing, do you ship to Mexico?"
    assert asyncio.run(form.validate_csat_comment(question, dispatcher, tracker(question, "csat_comment"), {})) \
        == {"csat_comment": ""}
    latest = {"text": question, "intent": {"name": "ask_shipping", "confidence": 0.8}, "entities": [],
              "message_id": "1733-ab12", "metadata": {"from": "widget"}}
    done = Tracker("c1", {"csat_rating": 4.0}, latest, [{"event": "user", "input_channel": "socketio"}], False,
                   None, {}, "csat_form")
    events = asyncio.run(ActionCsatDone().run(dispatcher, done, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_csat_thanks_then_answer"]
    # The question once more after action_listen, as if just sent, under its own id.
    assert [e["event"] for e in events] == ["action", "user"]
    assert events[0]["name"] == "action_listen"
    again = events[1]
    assert (again["text"], again["message_id"], again["input_channel"]) == (question, "1733-ab12", "socketio")
    assert again["parse_data"]["intent"]["name"] == "ask_shipping" and "metadata" not in again["parse_data"]


def test_a_question_instead_of_a_rating_is_answered_too() -> None:
    dispatcher = CollectingDispatcher()
    latest = {"text": "where is my order LK-100232", "intent": {"name": "track_order"}, "message_id": "m-9"}
    done = Tracker("c1", {"csat_rating": None}, latest, [], False, None, {}, "csat_form")
    events = asyncio.run(ActionCsatDone().run(dispatcher, done, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_csat_skip_then_answer"]
    assert events[1]["text"] == "where is my order LK-100232"
