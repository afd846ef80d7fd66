"""Each signal read from one message, on clear examples both ways."""

from __future__ import annotations

import pytest

from handoff.detection.signals import caps_share, punctuation_run
from tests.handoff.detection.conftest import customer


def signals(detector, text: str) -> dict[str, float]:
    return detector.features([customer(text)])


def test_sentiment_negative_message_scores_and_thanks_does_not(detector):
    assert signals(detector, "This is terrible, I am so angry")["sentiment"] > 0.5
    assert signals(detector, "thanks, that helps a lot")["sentiment"] == 0.0


@pytest.mark.parametrize("text", ["stupid bot", "you guys are incompetent", "usless bot", "what a piece of junk bot"])
def test_insult_found_including_one_typo(detector, text):
    assert signals(detector, text)["insult"] == 1.0


@pytest.mark.parametrize("text", ["these boots are killer", "in regard to my order LK-100232", "is the fleece warm"])
def test_no_insult_in_ordinary_words(detector, text):
    assert signals(detector, text)["insult"] == 0.0


def test_profanity_strong_and_mild(detector):
    assert signals(detector, "wtf where is my refund")["profanity"] == 1.0
    assert signals(detector, "f*** this")["profanity"] == 1.0
    assert 0.0 < signals(detector, "damn good jacket")["profanity"] < 0.5
    assert signals(detector, "where is my parcel")["profanity"] == 0.0


def test_shouting_caps_and_punctuation_but_not_joy_or_acronyms(detector):
    assert signals(detector, "WHERE IS MY PARCEL???")["shouting"] > 0.9
    # Same capitals and punctuation; joy is scaled down by its positive sentiment.
    joy = signals(detector, "THANK YOU SO MUCH!!")["shouting"]
    assert joy < signals(detector, "WHERE IS MY PARCEL!!")["shouting"] - 0.3
    assert signals(detector, "is it UPS or DHL for the UK?")["shouting"] == 0.0
    assert caps_share("OK") == 0.0  # too short to be shouting
    assert punctuation_run("why??") == 0.5 and punctuation_run("why?!?!") == 1.0 and punctuation_run("why?") == 0.0


def test_joy_in_capitals_with_mild_swearing_is_not_anger(detector):
    # VADER alone reads "obsessed" as negative; the shop's chat reads it as praise (shop_sentiment.txt).
    joy = signals(detector, "OMG I JUST GOT MY RAIN JACKET AND I'M OBSESSED!!!!")
    assert joy["profanity"] == 0.0 and joy["sentiment"] == 0.0
    assert joy["shouting"] < signals(detector, "OMG WHERE IS MY PARCEL, 3 WEEKS!!!")["shouting"] - 0.5
    assert signals(detector, "omg where is my parcel")["profanity"] > 0.0  # no joy: the mild swear counts


def test_a_joyful_caps_lock_customer_is_not_handed_over(detector):
    assert not detector.assess([customer("OMG I JUST GOT MY RAIN JACKET AND I'M OBSESSED!!!!")]).handover
    assert not detector.assess([customer("SO EXCITED FOR MY NEW BOOTS!!! WHEN DO THEY SHIP")]).handover
    assert detector.assess([customer("OMG WHERE IS MY PARCEL, 3 WEEKS!!!")]).handover


def test_exclamation_marks_alone_are_excitement_more_than_anger(detector):
    excited = "counting the days till the winter sale!!! when does it start?"
    assert not detector.assess([customer(excited)]).handover
    assert signals(detector, excited)["shouting"] < signals(detector, "counting the days till the sale?!?!")["shouting"]
    assert detector.assess([customer("two weeks and still nothing!!!")]).handover  # the complaint counts


def test_cursing_ones_own_typing_is_self_blame(detector):
    assert not detector.assess([customer("stupid autocorrect, I meant LK-100231 not LK-100213")]).handover


@pytest.mark.parametrize(
    "text", ["that's not what I asked", "this bot is useless", "I already told you that", "third time I'm asking",
             "5 days and nothing", "a fortnight... no, 14 days now and still no reply",
             "I'll just wait another month then, shall I?", "won't be holding my breath for that refund",
             "nobody has answered my emails", "I never heard back about the refund", "what a shambles"]
)
def test_complaint_found(detector, text):
    assert signals(detector, text)["complaint"] == 1.0


@pytest.mark.parametrize(
    "text", ["thanks for bloody nothing", "this is a damn joke", "what a f***ing joke", "third bloody time I'm asking"]
)
def test_a_swear_word_inside_a_complaint_leaves_it_a_complaint(detector, text):
    """Mild swearing alone does not hand over; the complaint it sat inside went unread."""
    assert signals(detector, text)["complaint"] == 1.0
    assert detector.assess([customer(text)]).reason == "frustration"


@pytest.mark.parametrize(
    "text", ["I'm so sad the sweater sold out, when is it back?", "my daughter was disappointed the hat was too small",
             "2 days and no parcel yet, is that normal?", "shall I wait for the email then?",
             "nobody answered the door so the courier left a card",
             "I emailed yesterday, have not heard back yet, is that normal?"]
)
def test_no_complaint_in_calm_bad_news(detector, text):
    assert signals(detector, text)["complaint"] == 0.0
