"""Questions plainly not about this shop, read by rule: a piece of writing asked for, another
shop asked about. Examples written for these tests."""

from __future__ import annotations

import pytest

from knowledge.index.not_the_shop import OtherShops, asks_for_writing, load_names


@pytest.mark.parametrize("text", ["write me a limerick about boots", "Compose a short poem on rain jackets",
                                  "tell me a joke about parkas", "make up a song about our socks"])
def test_a_piece_of_writing_asked_for(text: str) -> None:
    assert asks_for_writing(text)


@pytest.mark.parametrize("text", ["how do I write a review", "tell me about your returns", "give me a refund",
                                  "create an account", "can I write to customer service"])
def test_asking_the_shop_about_writing_or_telling_is_not_a_piece_of_writing(text: str) -> None:
    assert not asks_for_writing(text)


@pytest.fixture(scope="module")
def other_shops() -> OtherShops:
    return OtherShops.load()


@pytest.mark.parametrize("text", [
    "What's Nike's return window?", "does Patagonia do free returns?", "How long does Amazon take to deliver?",
    "which is cheaper, Amazon or Zalando, for trainers?", "how do I wash a down jacket I bought at REI?",
    "How do I wash a wool sweater I bought somewhere else?", "Is Uniqlo sizing the same as European?",
    "Can you tell me Nike's return window?", "my eBay parcel never came, what now?",
    "How do I close my Zalando account?",
    # Another trade's company or product, named at all: the shop sells nothing of theirs.
    "How do I reset the password on my iPhone?", "how do I get a refund from Ryanair for a cancelled flight",
    "Ryanair lost my bag, who do I call", "my Barclays card was charged twice for a Ryanair flight",
])
def test_another_shop_asked_about(other_shops: OtherShops, text: str) -> None:
    assert other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    "do you sell Nike?", "do Nike trainers run small?", "my Patagonia jacket leaks, can I return it?",
    "is Larkspur cheaper than Zara?", "can you price match REI?", "I bought boots from you last week",
    "how long does UPS take?", "do you have Levi's jeans", "what's the return window", "I got it from your website",
    # Another trade named in the shop's own question.
    "can I pay with Apple Pay on my iPhone?", "does your site work on an iPad", "steam cleaning a wool coat",
    "my order confirmation went to my Gmail spam", "can I pay with an Amazon gift card?",
    "can I pay with my Revolut card?", "your site won't load on my iPad", "will Royal Mail deliver my order?",
])
def test_a_brand_the_shop_may_sell_or_the_shop_itself_is_not(other_shops: OtherShops, text: str) -> None:
    assert not other_shops.asked_about(text)


def test_a_list_of_its_own_and_hostile_input(tmp_path) -> None:
    (tmp_path / "names.txt").write_text("# a comment\nAcme Outdoors\nacme outdoors\n\n", encoding="utf-8")
    assert load_names(tmp_path / "names.txt") == ("acme outdoors",)
    (tmp_path / "trades.txt").write_text("Acme Air\n", encoding="utf-8")
    shops = OtherShops.load(tmp_path / "names.txt", tmp_path / "trades.txt")
    assert shops.asked_about("my acme air flight was cancelled")
    assert shops.asked_about("does Acme  Outdoors ship to Spain?")
    for text in ("", "\u0000" * 5000, "bought " * 2000, "nike's " * 2000):
        shops.asked_about(text)
        asks_for_writing(text)


def test_the_list_is_read_once_per_process() -> None:
    # Each index build asks for it; the file changes only with the code.
    assert OtherShops.load() is OtherShops.load()
