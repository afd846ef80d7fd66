"""The NLU component that lets a request for a person win over the classifier's intent."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.person_request import PARSE_KEY, PersonRequestClassifier


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={TEXT: text})
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, entries[0] if entries else {"name": None, "confidence": 0.0})
    message.set(INTENT_RANKING_KEY, entries)
    return message


def run(message: Message) -> Message:
    component = PersonRequestClassifier(PersonRequestClassifier.get_default_config())
    return component.process([message])[0]


def test_a_request_inside_a_topic_wins_over_the_topic():
    message = run(classified("my refund is late, could one of your colleagues check it for me?",
                             [("request_refund", 0.7), ("request_human", 0.05), ("ask_question", 0.02)]))
    assert message.get(INTENT) == {"name": "request_human", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert [entry["name"] for entry in ranking] == ["request_human", "request_refund", "ask_question"]
    assert message.get(PARSE_KEY)["verdict"] == "request"


def test_a_request_in_another_language_wins():
    message = run(classified("posso parlare con qualcuno dell'assistenza?", [("ask_question", 0.4)]))
    assert message.get(INTENT)["name"] == "request_human"
    assert message.get(PARSE_KEY)["language"] == "it"


def test_a_declined_person_is_not_a_request():
    message = run(classified("no need for an agent, how do I return boots?",
                             [("request_human", 0.6), ("request_return", 0.3)]))
    assert message.get(INTENT) == {"name": "request_return", "confidence": 0.3}
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)] == ["request_return"]


def test_a_question_about_people_is_not_a_request():
    message = run(classified("am I talking to a real human?", [("request_human", 0.3), ("bot_challenge", 0.2)]))
    assert message.get(INTENT) == {"name": "bot_challenge", "confidence": 0.2}
    assert message.get(PARSE_KEY)["verdict"] == "question"


def test_anything_else_keeps_the_classifier_intent():
    message = run(classified("do the boots run small?", [("ask_question", 0.8), ("request_human", 0.1)]))
    assert message.get(INTENT) == {"name": "ask_question", "confidence": 0.8}
    assert len(message.get(INTENT_RANKING_KEY)) == 2
    assert message.get(PARSE_KEY) is None


def test_the_classifiers_own_weak_request_human_gives_way_to_the_next_intent():
    # Foreign words it does not know lean towards its multilingual request_human examples.
    message = run(classified("Hallo! Versendet ihr nach Deutschland?",
                             [("request_human", 0.14), ("ask_question", 0.03), ("greet", 0.01)]))
    assert message.get(INTENT) == {"name": "ask_question", "confidence": 0.03}
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)] == ["ask_question", "greet"]


def test_the_classifiers_confident_request_human_stands():
    message = run(classified("no more bot please, a real human", [("request_human", 0.8), ("deny", 0.1)]))
    assert message.get(INTENT) == {"name": "request_human", "confidence": 0.8}


def test_a_message_without_text_is_left_alone():
    message = run(classified("", [("greet", 0.9)]))
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.9}
