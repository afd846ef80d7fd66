"""Reading the age a customer states, and the search keeping a customer who is in time away from
the article for those past the window (front matter applies_after_days / within_see)."""

from __future__ import annotations

import pytest

from knowledge.index.stated_age import stated_days


@pytest.mark.parametrize(("text", "days"), [
    ("I bought these boots 2 weeks ago, can I return them?", 14),
    ("got it three weeks ago and it doesn't fit", 21),
    ("ordered 10 days back", 10),
    ("it's been like 6 weeks, can i still send it back", 42),
    ("its been 35 days", 35),
    ("arrived a couple of weeks ago", 14),
    ("a few days ago my parcel came", 3),
    ("delivered yesterday, wrong size", 1),
    ("I got it last week", 7),
    ("bought 5 weeks ago, it came 3 weeks ago", 35),  # the longest: never rule out too eagerly
    ("I bought it over a month ago", None),  # months are left alone
    ("how long is the return window?", None),
    ("I have 3 weeks of holiday", None),  # a length of time, not an age
])
def test_stated_age_in_days(text: str, days: int | None) -> None:
    assert stated_days(text) == days
