"""Who the anger is aimed at, sarcasm, and the calm caps-lock typist: the customer's state
counts, not the words. Examples written for these tests."""

from __future__ import annotations

import pytest

from handoff.detection.aim import aim_of
from tests.handoff.detection.conftest import customer


def signals(detector, text: str) -> dict[str, float]:
    return detector.features([customer(text)])


def decision(detector, text: str) -> str | None:
    return detector.assess([customer(text, intent="ask_question", confidence=0.7)]).reason


@pytest.mark.parametrize(
    "text",
    ["honestly I'm an idiot, I picked the wrong size", "my own stupid fault, I forgot to add the hat",
     "silly me, I typed the wrong street", "damn, I entered my email wrong",
     "UGH I'M SO ANNOYED AT MYSELF, I ORDERED THE WRONG SIZE"],
)
def test_self_blame_is_set_aside(detector, text):
    found = signals(detector, text)
    assert found["insult"] == 0.0 and found["profanity"] == 0.0 and found["complaint"] == 0.0
    assert decision(detector, text) is None


@pytest.mark.parametrize("text", ["thanks for nothing",
                                  "yeah sure, that's what you said last month. cheers for nothing"])
def test_thanks_for_nothing_is_a_complaint_however_it_is_thanked(detector, text):
    assert signals(detector, text)["complaint"] == 1.0
    assert decision(detector, text) == "frustration"


def test_an_insult_aimed_at_the_bot_still_counts_beside_self_blame(detector):
    found = signals(detector, "my mistake, but this useless bot is no help at all")
    assert found["insult"] == 1.0 and found["complaint"] == 1.0


def test_anger_at_another_shop_is_set_aside(detector):
    text = "the jeans I bought at another store were rubbish, do yours shrink?"
    assert signals(detector, text)["insult"] == 0.0
    assert decision(detector, text) is None
    assert signals(detector, "your jeans are rubbish")["insult"] == 1.0


@pytest.mark.parametrize("text", ["the courier firm in our area is useless, always late. who do you ship with?",
                                  "my local post office is hopeless"])
def test_anger_at_something_near_the_customer_is_set_aside(detector, text):
    assert decision(detector, text) is None


@pytest.mark.parametrize("text", ["this stupid snow won't melt, so fed up with it",
                                  "horrible morning, the bus never came, my boss yelled at me",
                                  "my train was cancelled again, sick of it"])
def test_anger_at_the_customers_own_day_is_set_aside(detector, text):
    assert decision(detector, text) is None


@pytest.mark.parametrize("text", ["the package is a fortnight late, sick of it",
                                  "awful weather and your courier left my parcel in the rain, fed up with this",
                                  "worst week ever waiting for your delivery"])
def test_anger_at_the_order_beside_the_weather_still_counts(detector, text):
    assert decision(detector, text) == "frustration"


def test_aim_keeps_the_clauses_aimed_at_us(detector):
    aimed = aim_of("I'm hopeless with forms, and your site is a joke", detector.lexicon)
    assert aimed.self_blame and aimed.rest == "and your site is a joke"
    assert aim_of("", detector.lexicon).rest == ""


@pytest.mark.parametrize(
    "text",
    ["Oh marvellous, the scarf turned up torn. Great work.", "wow, thanks for another link, my parcel is still missing",
     "Brilliant service, a fortnight later and the order is still in transit",
     # Thanks for a harm, praise of a silence, a problem told as what nobody did or what was sent instead.
     "cheers for billing me twice, very kind", "loving the wait since my parcel went missing",
     "Such a lovely experience, nobody replied to my three emails",
     "good job, you shipped me a medium instead of a large",
     "Nice one, the order got cancelled without a word to me",
     # A leak, a link that does not work, waiting weeks, a refund that takes forever, emails binned.
     "Marvellous, my 'waterproof' boots leak", "oh great, the returns page doesn't even load",
     "10/10, the hat never arrived", "funny how the refund takes ages but the charge was instant",
     "good to know my messages go straight in the bin", "I do love being passed around like this, still no refund",
     # Waiting without end, a canned reply, tracking that never moves.
     "Great, so I just wait forever then? Fantastic service.",
     "oh perfect, another automated reply. exactly what I wanted.",
     "i love how the tracking hasn't moved in a week",
     # Time gone by after praise of what was paid for.
     "so happy we paid extra for express, it has been six days now",
     # A mock reason, praise taken back, replies counted, a wrong size told as what was ordered.
     "yeah cos reading an article will mend the hole in my coat", "Well, that was useful. Not.",
     "Truly amazing service. Three emails, zero replies.", "oh sure, blame the carrier. so convenient.",
     "bravo, sending us a size 6 when we ordered an 8", "How lovely, the refund you promised still hasn't come",
     # Praise opening on the failing, a promise quoted back in scare quotes or as "the famous", then
     # what broke it: a count of days, damage in the wash, a fee, a status that has not moved.
     "Love how I paid for next day and it's been a week", "ah the famous 2 day delivery. it's been 9",
     "Thanks for the 'free' return label, the post office charged me 8 quid",
     "What a delight, the leggings pilled after two wears", "great, 'dispatched' since last week and nothing",
     'thanks for the "hassle-free" exchange, still no replacement',
     "so pleased I paid for express. week 2 and counting"],
)
def test_sarcasm_around_a_real_problem_hands_over(detector, text):
    assert signals(detector, text)["sarcasm"] == 1.0
    assert decision(detector, text) == "frustration"


@pytest.mark.parametrize("text", ["Great, thanks, that's all I needed", "lovely colour, is it machine washable?",
                                  "my parcel is late, when will it come?",
                                  "Such a great experience, can I order the same boots again?",
                                  "thanks, could you send me a medium instead of a large?",
                                  "good to know, thanks! does the fleece come in navy?",
                                  "amazing how light this tent is, is it waterproof?",
                                  "great bottle, is the lid leak-proof?",
                                  "Amazing, I waited two weeks and it was worth it",
                                  "Awesome. My old boots leaked, do yours keep water out?",
                                  # Thanks, then a calm question about a problem: politeness, not irony.
                                  "thanks, that's great. my parcel hasn't moved since monday though, is that normal?",
                                  "lovely jacket, it took 3 days to arrive, really quick",
                                  "great coat! it's been 2 months since I got it and it still looks new",
                                  "yeah because I moved house, can I change my address?",
                                  "That was helpful, but my refund still isn't here",
                                  "very convenient, the drop-off point is next door",
                                  "love that colour! does it come in medium?", "I love how soft the fleece is",
                                  "the famous Larkspur boots, do you have them in size 9?",
                                  'Thanks for the "quick delivery" tip, I\'ll use express next time',
                                  "incredible work on the new range, love it"])
def test_praise_alone_or_a_problem_alone_is_not_sarcasm(detector, text):
    assert signals(detector, text)["sarcasm"] == 0.0


def test_a_calm_caps_lock_typist_is_not_shouting(detector):
    calm = signals(detector, "HELLO, CAN I PAY FOR MY ORDER WITH A GIFT CARD")["shouting"]
    angry = signals(detector, "WHERE IS MY ORDER, I WANT IT NOW")["shouting"]
    assert calm < 0.2 < angry
    assert decision(detector, "HELLO, CAN I PAY FOR MY ORDER WITH A GIFT CARD") is None
    assert decision(detector, "NO RUSH AT ALL, JUST WONDERING WHEN MY ORDER SHIPS") is None
