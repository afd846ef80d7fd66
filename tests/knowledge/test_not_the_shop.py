"""Questions plainly not about this shop, read by rule: a piece of writing asked for, another
shop asked about. Examples written for these tests."""

from __future__ import annotations

import pytest

from knowledge.articles import load_articles
from knowledge.index.not_the_shop import OtherShops, asks_for_writing, load_names
from knowledge.negatives import load_shop_negatives
from knowledge.settings import PACKAGE_DIR


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
    "what's the shipping time from Amazon to Canada", "are returns at Zara free?",
    # Another trade's thing named by its kind.
    "what's the best way to get a refund from my airline", "my gym membership charged me twice, how do I dispute it",
    "how do I return a library book late without a fine",
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
    "is the shipping time from you to Canada longer", "can I return Nike trainers bought from you?",
])
def test_a_brand_the_shop_may_sell_or_the_shop_itself_is_not(other_shops: OtherShops, text: str) -> None:
    assert not other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    # Another trade's gift card, code or account, though "gift card" is also the shop's word.
    "My Steam gift card code says invalid, what do I do?", "my steam wallet code won't redeem",
    "PSN card not working", "my PlayStation gift card says already redeemed", "how do I redeem robux",
    "where do I enter a Google Play code", "fortnite v-bucks didn't arrive", "my Roblox account got hacked",
    # Another shop's gift card or loyalty scheme.
    "how do I check my Amazon gift card balance", "my Nike gift card says invalid", "Costco membership renewal",
    # Restaurants, takeaways, grocers and other trades, named at all.
    "my dominos order is 40 mins late who do i even call", "pizza hut got my order wrong",
    "my Tesco delivery is late", "the Sainsbury's delivery driver left my shopping outside",
    "my Hertz rental car return", "Enterprise rent-a-car deposit refund", "british gas bill too high",
    "how do I cancel my planet fitness membership", "Geico claim status", "AMC tickets refund",
    "my subway order was cold", "can I use my Tesco clubcard points",
])
def test_another_companys_own_card_account_or_order(other_shops: OtherShops, text: str) -> None:
    assert other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    "Can I pay with a Steam gift card?", "can I pay with an Amazon gift card?", "do you accept PlayStation gift cards?",
    "can I use a Roblox gift card on my order", "my gift card code says invalid", "how do I redeem a gift card",
    "can I steam my down jacket", "is Samsung Pay accepted", "is there an app on the play store",
    # The shop's return or parcel at a counter another company keeps.
    "can I drop my return off at Asda?", "can I return it at a Tesco parcel locker",
    "my package was left at the CVS counter", "my tracking says it's at the Walgreens",
])
def test_the_shops_way_to_pay_or_parcel_beside_another_company_is_not(other_shops: OtherShops, text: str) -> None:
    assert not other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    "why is my paypal account limited and how do i get it unlocked", "PayPal suspended my account",
    "how do I verify my PayPal account", "I can't log into my paypal", "what are PayPal's fees",
    "why did paypal charge me a fee", "how do I withdraw money from PayPal to my bank",
    "how do I open a dispute with PayPal", "my klarna account is locked", "Klarna late fee, who do I contact",
    "my venmo account is frozen", "cash app transfer pending",
])
def test_a_payment_providers_own_matter(other_shops: OtherShops, text: str) -> None:
    assert other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    "can i pay with paypal", "my PayPal payment to you failed", "refund to my PayPal",
    "I paid with PayPal, when do I get my refund", "my paypal payment got rejected", "PayPal charged me twice",
    "there's a charge on my PayPal statement I don't recognise", "can I use my PayPal balance",
    "do I need a PayPal account to pay", "I opened a PayPal dispute because my order never came",
    "Klarna doesn't show up at checkout for me in Ireland", "klarna support in canada?", "do u accept venmo",
    "the klarna app won't let me pay", "apple pay isnt working at checkout",
])
def test_paying_the_shop_through_a_provider_is_not(other_shops: OtherShops, text: str) -> None:
    assert not other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    "What time does the post office close on Christmas Eve?", "is the post office open on Sunday",
    "what time does my local post office open", "how long is the queue at the post office at lunchtime",
    "what are USPS office hours on saturday", "can I buy stamps at the post office",
    "what time does the UPS store close", "what time does the bank close today", "is the DMV open on saturday",
    # Another shop's opening hours.
    "what time does Costco close?", "is Walmart open on Christmas Day", "Zara store hours",
])
def test_someone_elses_hours_queues_or_counter(other_shops: OtherShops, text: str) -> None:
    assert other_shops.asked_about(text)


@pytest.mark.parametrize("text", [
    "can I return at the post office?", "do you ship to a PO box", "which carrier do you use",
    "I only get mail at the post office", "I dropped off my return at the post office, how long until my refund?",
    "what time does the post office close, I need to drop my return off",
    "my parcel is waiting at the post office, when does it close?", "can I take my return to the UPS store",
    "are you open on bank holiday monday", "what time does customer service close", "are you open on Christmas Eve?",
    "do Nike open toe sandals run small", "my bank says the card is fine but your site won't take it",
])
def test_the_shops_hours_and_returns_at_a_counter_are_not(other_shops: OtherShops, text: str) -> None:
    assert not other_shops.asked_about(text)


def test_no_help_centre_question_or_shop_request_reads_as_another_companys(other_shops: OtherShops) -> None:
    """The help centre's own example questions and the shop requests no article answers
    (knowledge/negatives/not_covered.txt) are the shop's whatever company they name."""
    questions = [q for a in load_articles(PACKAGE_DIR / "articles") for q in a.questions] + load_shop_negatives()
    assert len(questions) > 1000
    assert [q for q in questions if other_shops.asked_about(q)] == []


def test_a_list_of_its_own_and_hostile_input(tmp_path) -> None:
    (tmp_path / "names.txt").write_text("# a comment\nAcme Outdoors\nacme outdoors\n\n", encoding="utf-8")
    assert load_names(tmp_path / "names.txt") == ("acme outdoors",)
    (tmp_path / "trades.txt").write_text("Acme Air\n", encoding="utf-8")
    shops = OtherShops.load(tmp_path / "names.txt", tmp_path / "trades.txt")
    assert shops.asked_about("my acme air flight was cancelled")
    assert shops.asked_about("does Acme  Outdoors ship to Spain?")
    for text in ("", "\u0000" * 5000, "bought " * 2000, "nike's " * 2000, "use " * 2000, "paypal " * 2000,
                 "post office " * 2000):
        shops.asked_about(text)
        asks_for_writing(text)


def test_the_list_is_read_once_per_process() -> None:
    # Each index build asks for it; the file changes only with the code.
    assert OtherShops.load() is OtherShops.load()
