"""Signals that need the conversation: rephrasing, the bot repeating itself, no progress, earlier anger."""

from __future__ import annotations

from tests.handoff.detection.conftest import bot, customer

ANSWER = "Returns are accepted within 30 days of delivery. Did that help?"


def test_rephrase_of_an_earlier_message_fires_and_a_new_topic_does_not(detector):
    asked = [customer("can I change the delivery address on my order?"), bot("You can change an order within 1 hour.")]
    again = detector.features([*asked, customer("is it still possible to send my order to a different address?")])
    other = detector.features([*asked, customer("do gift cards expire?")])
    assert again["rephrase"] > 0.3
    assert other["rephrase"] == 0.0


def test_rephrase_forgotten_after_the_customer_said_it_helped(detector):
    history = [
        customer("can I change the delivery address on my order?"),
        bot("You can change an order within 1 hour."),
        customer("yes, thanks", intent="affirm", confidence=0.95),
        bot("Glad that helped!"),
        customer("can I change the delivery address on my order?"),
    ]
    assert detector.features(history)["rephrase"] == 0.0


def test_short_answers_are_not_rephrasings(detector):
    history = [customer("no", intent="deny"), bot("Sorry."), customer("no", intent="deny")]
    assert detector.features(history)["rephrase"] == 0.0


def test_bot_repeat(detector):
    looped = [customer("a"), bot(ANSWER), customer("b"), bot(ANSWER), customer("c")]
    other = "Exchanges ship when the return is scanned."
    varied = [customer("a"), bot(ANSWER), customer("b"), bot(other), customer("c")]
    assert detector.features(looped)["bot_repeat"] == 0.5
    assert detector.features(varied)["bot_repeat"] == 0.0


def test_no_progress_grows_with_stalled_turns(detector):
    one = [customer("no", intent="deny")]
    many = []
    for _ in range(4):
        many += [customer("no", intent="deny"), bot(f"Another article {len(many)}")]
    many.append(customer("still no", intent="deny"))
    assert detector.features(one)["no_progress"] == 0.0
    assert detector.features(many)["no_progress"] == 1.0


def test_prior_carries_earlier_anger_until_progress(detector):
    angry = [customer("this is useless, absolutely terrible service"), bot("Sorry about that.")]
    assert detector.features([*angry, customer("my order is LK-100231")])["prior"] > 0.3
    calm = [customer("where is my order"), bot("What's the number?"), customer("LK-100231")]
    assert detector.features(calm)["prior"] == 0.0
    thanks = customer("ok that worked, thanks", intent="thank")
    resolved = [*angry, thanks, bot("Welcome!"), customer("one more question")]
    assert detector.features(resolved)["prior"] == 0.0
