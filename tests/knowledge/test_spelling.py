"""The query spelling corrector: misspelt words mended from the help centre's own words,
correct and everyday words never touched."""

from __future__ import annotations

import pytest

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


def test_long_words_two_edits_away_are_mended_from_the_help_centre_only() -> None:
    fix = SpellingCorrector([*HELP_CENTRE, "Underwear and socks can be returned unworn"], extra_words={"wonderful"})
    assert fix.correct("can i send back underware") == "can i send back underwear"
    assert fix.correct("complaitn") == "complaint"  # one edit still wins when there is one
    assert fix.correct("wondrefl") == "wondrefl"  # "wonderful" is not a help-centre word: never a target of two edits
    assert fix.correct("sourdough") == "sourdough"


def test_edit_distance_counts_a_swap_as_one() -> None:
    from knowledge.index.spelling import edit_distance

    assert edit_distance("retrun", "return") == 1
    assert edit_distance("underware", "underwear") == 2
    assert edit_distance("", "abc") == 3
    assert edit_distance("same", "same") == 0


def test_a_very_long_word_is_left_alone_without_looking_for_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    import random
    import string

    from knowledge.index import spelling

    fix = corrector()
    # Its neighbours two edits away would be about two million strings of 2,000 letters.
    def refuse(*_: object) -> set[str]:
        raise AssertionError("neighbours of an overlong word were spelt out")

    monkeypatch.setattr(spelling, "_deletions", refuse)
    monkeypatch.setattr(spelling, "_one_edit", refuse)
    rng = random.Random(0)
    mashed = "".join(rng.choice(string.ascii_lowercase) for _ in range(2000))
    assert fix.correct(f"return {mashed}") == f"return {mashed}"
    with pytest.raises(AssertionError):  # an ordinary misspelling still looks for them
        fix.correct("complaitn")


def test_words_typed_without_vowels_are_matched_by_their_consonants() -> None:
    fix = SpellingCorrector(["How long shipping takes", "How much a return costs", "Reset your password"],
                            extra_words={"nyc", "pm"})
    assert fix.correct("hw lng shppng") == "how long shipping"
    assert fix.correct("mch rtrn pswrd") == "much return password"
    # Known to the model's vocabulary, or nothing in the help centre has those consonants: kept.
    assert fix.correct("nyc by 5 pm") == "nyc by 5 pm"
    assert fix.correct("xyz") == "xyz"


def test_a_dropped_g_is_put_back() -> None:
    fix = SpellingCorrector(["Our opening hours", "Shipping and tracking", "Skin care"], extra_words={"cabin"})
    assert fix.correct("opnin hrs") == "opening hours"
    assert fix.correct("shippin n trackin") == "shipping and tracking"
    assert fix.correct("cabin skin") == "cabin skin"  # words of their own, or too short to guess


def test_chat_shorthand_is_written_out_before_spelling() -> None:
    fix = corrector()
    assert fix.correct("hw do u retrun it") == "how do you return it"
    assert fix.correct("can i retrun it in 2 days") == "can i return it in 2 days"


def test_customer_phrasings_shield_their_own_words_but_not_their_typos() -> None:
    help_centre = [*HELP_CENTRE, "Start a return", "Your account", "Parma is in the EU"]
    fix = SpellingCorrector(help_centre, extra_words={"dyer"},
                            customer_texts=["how do i retrun my parka", "Acount locked", "my parka, my dryer"])
    assert fix.correct("how long do i have to retrun my parka") == "how long do i have to return my parka"
    assert fix.correct("acount") == "account"
    # Customers write "parka" more often than the help centre writes "parma"; "dyer" is no target.
    assert fix.correct("parka in the dryer") == "parka in the dryer"


def test_frequent_english_words_are_not_mended_into_help_centre_words() -> None:
    from knowledge.index.spelling import everyday_words

    words = everyday_words()
    assert {"wifi", "router", "iphone"} <= words
    assert not {"retrun", "shiping", "adress", "acount"} & words
    fix = SpellingCorrector([*HELP_CENTRE, "Your wife can order", "Delivery routes"], everyday=words)
    assert fix.correct("my wifi router keeps dropping") == "my wifi router keeps dropping"
    assert fix.correct("how do i retrun my packge") == "how do i return my package"


def test_frequent_abbreviations_do_not_shield_text_speak() -> None:
    from knowledge.index.spelling import everyday_words

    fix = SpellingCorrector(["How long does shipping take"], everyday=everyday_words())
    assert "hw" in everyday_words() and fix.correct("hw lng") == "how long"
