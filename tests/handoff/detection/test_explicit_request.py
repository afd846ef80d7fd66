"""Asking for a person: the NLU intent, and the service's own check when the NLU missed it."""

from __future__ import annotations

import pytest

from tests.handoff.detection.conftest import customer


def test_confident_intent_is_a_request(detector):
    check = detector.explicit.check(customer("whatever the words", intent="request_human", confidence=0.9))
    assert check.requested and check.how == "intent"


@pytest.mark.parametrize(
    "text",
    ["agent", "HUMAN!!", "operator", "can I talk to someone?", "I'd like to speak to a real person please",
     "transfer me to a representative", "talk to an agnet", "please escalate this"],
)
def test_requests_in_other_words_without_the_intent(detector, text):
    check = detector.explicit.check(customer(text, intent="nlu_fallback", confidence=0.45))
    assert check.requested, text
    assert check.how in ("pattern", "similarity")


@pytest.mark.parametrize(
    "text",
    ["no need for a human, I just need the return address", "is UPS the delivery agent for express?",
     "where is my order LK-100231", "I'm so sad the sweater sold out, when is it back?"],
)
def test_not_requests(detector, text):
    assert not detector.explicit.check(customer(text, intent="ask_question", confidence=0.8)).requested, text


def test_bot_challenge_intent_is_a_look_alike(detector):
    turn = customer("are you a real person?", intent="bot_challenge", confidence=0.9)
    assert not detector.explicit.check(turn).requested


def test_low_confidence_intent_needs_the_text_to_agree(detector):
    turn = customer("do gift cards expire", intent="request_human", confidence=0.3)
    assert not detector.explicit.check(turn).requested


@pytest.mark.parametrize(
    "text",
    ["would you mind handing me over to a colleague when you have a second?",
     "Können Sie mich mit einem Mitarbeiter verbinden?", "je voudrais parler avec un conseiller",
     "¿me pasa con un agente?", "posso parlare con qualcuno?", "mag ik iemand van de klantenservice spreken",
     "are you a bot? I want a person"],
)
def test_the_recogniser_the_bot_uses(detector, text):
    # The bot's NLU component reads the same recogniser (contract/person_request.py): what it
    # acts on, this service counts, whatever intent and confidence the classifier gave.
    check = detector.explicit.check(customer(text, intent="bot_challenge", confidence=0.9))
    assert check.requested and check.how == "pattern", text


def test_a_declined_person_is_not_read_as_similar_to_a_request(detector):
    turn = customer("I really don't want to talk to an agent, just tell me the return address",
                    intent="ask_question", confidence=0.8)
    assert not detector.explicit.check(turn).requested


def test_a_question_about_people_is_not_read_as_similar_to_a_request(detector):
    # The NLU unsure between bot_challenge and the rest: the recogniser knows it is a question.
    turn = customer("am I talking to an actual human right now?", intent="bot_challenge", confidence=0.3)
    assert not detector.explicit.check(turn).requested
