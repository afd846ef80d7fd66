"""The decision on whole conversations: which reason wins, and what the assessment carries."""

from __future__ import annotations

import pytest

from handoff.detection import Assessment
from tests.handoff.detection.conftest import bot, customer

NO_MATCH = "I'm sorry, I couldn't find an answer to that in our help centre. Could you put it another way?"
SHIPPING = "We ship to the US, Canada, the UK and the EU. Did that help?"


def test_explicit_request(detector):
    result = detector.assess([customer("hi", "greet", 0.98), bot("Hi!"), customer("HUMAN!!", "nlu_fallback", 0.45)])
    assert result == Assessment(True, "explicit_request", result.score, result.signals)


def test_two_fallbacks_in_a_row_hand_over_and_one_does_not(detector):
    first = [customer("the thing from the newsletter", "nlu_fallback", 0.45), bot(NO_MATCH)]
    assert not detector.assess(first[:1]).handover
    result = detector.assess([*first, customer("the voucher, twenty percent", "nlu_fallback", 0.45)])
    assert (result.handover, result.reason) == (True, "nlu_fallback_repeated")
    separated = [*first, customer("do gift cards expire?", "ask_question", 0.9), bot("Never."),
                 customer("the voucher thing", "nlu_fallback", 0.45)]
    assert not detector.assess(separated).handover


def test_bot_loop_with_rephrasing_is_frustration(detector):
    history = [
        customer("do you ship to the Canary Islands?", "ask_question", 0.8), bot(SHIPPING),
        customer("but are the Canary Islands included as part of the EU?", "ask_question", 0.7), bot(SHIPPING),
        customer("Canary Islands shipping, yes or no?", "ask_question", 0.7), bot(SHIPPING),
        customer("you keep giving me the same answer", "deny", 0.8),
    ]
    result = detector.assess(history)
    assert (result.handover, result.reason) == (True, "frustration")
    assert result.score >= detector.config.threshold
    assert {"complaint", "bot_repeat", "no_progress"} <= set(result.signals)
    assert all(value > 0 for value in result.signals.values())


@pytest.mark.parametrize(
    "text", ["I'm so sad the sweater sold out, when is it back?", "THANK YOU SO MUCH!!", "where is my order LK-100231"]
)
def test_calm_messages_stay_with_the_bot(detector, text):
    result = detector.assess([customer(text, "ask_question", 0.8)])
    assert not result.handover and result.reason is None
    assert 0.0 < result.score < detector.config.threshold


def test_angry_message_hands_over(detector):
    result = detector.assess([customer("this is bullshit, you people lost my parcel", "nlu_fallback", 0.45)])
    assert (result.handover, result.reason) == (True, "frustration")


def test_history_must_end_with_a_customer_turn(detector):
    with pytest.raises(ValueError, match="newest customer turn"):
        detector.assess([customer("hi"), bot("Hello!")])
    with pytest.raises(ValueError, match="newest customer turn"):
        detector.assess([])
