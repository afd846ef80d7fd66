"""The first question of a message that asks several, or tells a story first."""

from __future__ import annotations

import pytest

from knowledge.index.focus import focus, parts


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("How long do refunds take? Or could I exchange it for a bigger size?", "How long do refunds take?"),
        ("how long does standard shipping take and can I pay with klarna?", "how long does standard shipping take"),
        ("Is the label free? also where do I drop it off", "Is the label free?"),
        ("I sent my pants back last week. Tracking says you got them. When is my refund?", "When is my refund?"),
        ("My parcel is late. It was due Monday.", "My parcel is late."),  # no question: the first part
    ],
)
def test_focus_is_the_first_question(message: str, expected: str) -> None:
    assert focus(message) == expected


@pytest.mark.parametrize("message", ["where is my order", "Can I return boots and sandals?", "", "   ", "???"])
def test_one_part_messages_have_no_separate_focus(message: str) -> None:
    assert focus(message) is None


def test_and_between_things_is_not_a_second_question() -> None:
    assert parts("Do you sell hats and gloves?") == ["Do you sell hats and gloves?"]
    two = parts("Do you sell hats, and do you ship them to Spain?")
    assert two == ["Do you sell hats", "do you ship them to Spain?"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Sorry if this is a dumb question but do you ship to Norway?", "do you ship to Norway?"),
        ("quick question: can I pay with Klarna?", "can I pay with Klarna?"),
        ("hi, sorry to bother you but when do refunds arrive", "when do refunds arrive"),
        ("this might be a silly question, is the sizing US or UK?", "is the sizing US or UK?"),
    ],
)
def test_an_apology_or_wind_up_before_the_question_is_no_part_of_it(message: str, expected: str) -> None:
    assert focus(message) == expected


@pytest.mark.parametrize("message", ["sorry!", "quick question"])
def test_a_wind_up_alone_has_no_focus(message: str) -> None:
    assert focus(message) is None
