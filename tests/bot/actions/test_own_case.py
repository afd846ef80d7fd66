"""Reading whether a message reports the customer's own case or asks about a topic."""

from __future__ import annotations

import pytest

from bot.actions.own_case import asks_for_exception, reports_own_case


@pytest.mark.parametrize("text", [
    "the zip on my jacket broke the second time I wore it",
    "someone has been using my card on your site",
    "The parcel came soaked through and everything inside is ruined",
    "we were charged for the order two times",
    "my order never arrived and the tracking hasn't changed in ages",
])
def test_a_customer_telling_what_happened_to_them_reports_a_case(text: str) -> None:
    assert reports_own_case(text)


@pytest.mark.parametrize("text", [
    "what does the warranty cover",
    "is the return free if something comes broken?",
    "If my parcel goes missing, who sorts it out",
    "I'd like to know how warranty claims work",
    "tell me about lost parcels",
    "warranty claim",  # a bare topic is a question put short
    "broken zip",
    "my fault, I ordered the wrong size",  # the customer's own doing is no case of the shop's
    "I dropped my backpack off a cliff and the buckle broke",
    "I snapped the tent pole myself by stepping on it, is that covered by the warranty?",
    "I tore my jacket climbing a fence, what can I do?",
    "that's on me, I left it by the fire and the sole cracked",
    "ugh I'm such an idiot, I gave the wrong address and the parcel came back",
    "/choose_article",  # a button
    "",
])
def test_a_question_a_bare_topic_or_the_customers_own_doing_is_no_report(text: str) -> None:
    assert not reports_own_case(text)


@pytest.mark.parametrize("text", ["I want to return my jumper", "please cancel my order", "cancel my order please",
                                  "I'd like to exchange the boots for a 10"])
def test_a_request_to_act_is_no_report(text: str) -> None:
    assert not reports_own_case(text)


def test_a_request_with_a_report_beside_it_reports() -> None:
    assert reports_own_case("I want to cancel the order, I was charged twice for it")


@pytest.mark.parametrize("text", [
    "My jacket arrived torn, what should I do?",
    "I know it's been 35 days but I was in hospital, can I still return my sweater?",
    "the box was crushed. Can I get a new one?",
    "did I miss it? we only opened the parcel six weeks after it came",
    "it's been 40 days but I was travelling for work, can I still send them back?",
    "the sole is coming away from the boot at the toe after a few walks. is that covered by the warranty?",
    "the seams on my jacket are fraying already, what can you do?",
    "my tent leaks at the seams, can I claim on the warranty?",
    "Our rucksack, bought two years ago, has a strap whose stitching has come undone. What now?",
    "I mean my jacket arrived torn",  # a filler before a statement: still the case
])
def test_a_question_after_a_statement_of_what_happened_reports(text: str) -> None:
    assert reports_own_case(text)


@pytest.mark.parametrize("text", [
    "Hi, I'm new here. What's the warranty on tents?",  # first person, but no event told
    "I have a question about the warranty: how long is it?",
    "I know it's been 6 weeks, is it too late to return a jumper?",  # time gone by: the rule asked
    "I'm wondering, if the jumper arrives damaged what do I do",
    "If my item is damaged, can I return it?",
    "if the sole starts peeling, is that covered?",
    "my parcel hasn't arrived yet, when does it count as lost?",  # still waiting: a question about the rule
    "I ordered the wrong size, can I exchange it?",
    # An item from elsewhere, set against the shop's: a comparison, not a case of ours.
    "My last boots from another brand fell apart after a month, are yours any better?",
    "ugh, my old backpack broke again, which of yours is the toughest?",
    "the zip on my jacket (not from you) broke, do your jackets have YKK zips?",
    "my trainers from somewhere else split at the toe",
    # A question without its question mark, opened with a filler, asks the rule.
    "I mean how many days do I have to return a jacket that doesn't fit",
    "ok so when does my order ship",
])
def test_a_question_beside_no_event_or_a_hypothetical_one_is_no_report(text: str) -> None:
    assert not reports_own_case(text)


@pytest.mark.parametrize("text", [
    "could you allow it anyway?", "can you make an exception for me", "please let it slide, it's one day late",
    "could you bend the rules just this once", "accept the return regardless",
])
def test_an_exception_asked_for(text: str) -> None:
    assert asks_for_exception(text)


@pytest.mark.parametrize("text", [
    "do you ever make exceptions?", "what's the return window", "can I still return it?", "I'd like to return it",
    "is the deadline flexible for gifts?", "is there any leeway on the 30 days?",
])
def test_a_rule_asked_about_is_no_exception_asked_for(text: str) -> None:
    assert not asks_for_exception(text)
