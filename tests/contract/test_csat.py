"""contract/csat.py: the one reading of a CSAT rating, for the bot's survey and the handoff service."""

from __future__ import annotations

import pytest

from contract.csat import MAX_RATING_CHARS, parse_rating


@pytest.mark.parametrize(("value", "rating"), [
    (4, 4), (5.0, 5), ("3", 3), (" 2 ", 2), ("five", 5), ("Four!", 4), ("I'd say 4/5", 4), ("4 out of 5", 4),
    ("⭐⭐", 2), ("★★★★★", 5), ("5 5", 5),
])
def test_ratings(value: object, rating: int) -> None:
    assert parse_rating(value) == rating


@pytest.mark.parametrize("value", [
    0, 6, -1, 4.5, "4.5", "4,5", "3.0", True, False, None, "", "   ", "where is my order", "between 3 and 4",
    "four or five", "LK-100235", "10", "⭐⭐⭐⭐⭐⭐", '/rate_service{"csat_rating": 4}', [4], {"rating": 4},
    "4" + " " * MAX_RATING_CHARS,
])
def test_not_ratings(value: object) -> None:
    assert parse_rating(value) is None
