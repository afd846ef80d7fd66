"""Chat shorthand written out, and everything else left as typed."""

from __future__ import annotations

import pytest

from contract.text_speak import expand


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hw lng 4 shiping", "how lng for shiping"),
        ("do u ship 2 canada", "do you ship to canada"),
        ("talk 2 sum1 real plz", "talk to someone real please"),
        ("can i send it back 4 free?", "can i send it back for free?"),
        ("U there? THX", "you there? THANKS"),
        ("b4 I order, wat r ur fees", "before I order, what are your fees"),
        ("wat r ur opening hrs", "what are your opening hours"),
        ("how many pts 4 a discount", "how many points for a discount"),
        ("klarna avail??", "klarna available??"),
    ],
)
def test_shorthand_is_written_out(typed: str, meant: str) -> None:
    assert expand(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "I ordered 2 shirts",  # a plural after it: a number
        "is there 2 day shipping",  # a unit after it
        "returns within 4 weeks",
        "2 of them arrived",  # nothing before it
        "order LK-100234, size 4",  # nothing after it
        "How do I return an item?",
        "24/7 and/or",
    ],
)
def test_numbers_and_plain_english_are_kept(typed: str) -> None:
    assert expand(typed) == typed
