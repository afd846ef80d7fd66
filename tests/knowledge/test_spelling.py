"""The query spelling corrector: misspelt words mended from the help centre's own words,
correct and everyday words never touched."""

from __future__ import annotations

from knowledge.index.spelling import SpellingCorrector

HELP_CENTRE = [
    "How to return an item within 30 days", "Returns are free in the US", "Track your package",
    "Something is missing from your order", "Make a complaint", "Create an account",
]


def corrector() -> SpellingCorrector:
    return SpellingCorrector(HELP_CENTRE, extra_words={"hate", "jacket", "sing"})


def test_one_edit_misspellings_are_mended() -> None:
    fix = corrector()
    assert fix.correct("how do i retrun my order") == "how do i return my order"  # swapped letters
    assert fix.correct("somthing missing from my packge") == "something missing from my package"  # dropped
    assert fix.correct("i want to file a complant") == "i want to file a complaint"
    assert fix.correct("Acount please") == "account please"


def test_known_short_and_everyday_words_are_left_alone() -> None:
    fix = corrector()
    assert fix.correct("I hate the jacket") == "I hate the jacket"
    assert fix.correct("teh") == "teh"  # too short to guess
    assert fix.correct("Returns are free") == "Returns are free"
    assert fix.correct("where is LK-100233?") == "where is LK-100233?"


def test_words_two_edits_away_are_not_guessed() -> None:
    assert corrector().correct("retrnu") == "retrnu"
