"""Parsing the help centre's articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.articles import ArticleError, load_articles, parse_article
from knowledge.settings import PACKAGE_DIR

GOOD = """---
id: {id}
title: Gift wrapping
category: orders
tags: [gift, wrapping]
updated: 2026-11-01
url: https://larkspur.example/help/{id}
questions:
  - "can you wrap it as a present"
---
We wrap any order as a gift.

## How to ask for gift wrapping
Tick the gift box at checkout.

## What it costs
Nothing at all.
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.md"
    path.write_text(text)
    return path


def test_help_centre_parses_and_covers_every_category() -> None:
    articles = load_articles(PACKAGE_DIR / "articles")
    assert len(articles) >= 60
    assert {a.category for a in articles} == {
        "shipping", "returns", "orders", "payment", "account", "products", "loyalty", "support"}
    assert all(a.url.endswith(a.id) for a in articles)


def test_sections_become_passages_and_questions_are_kept(tmp_path: Path) -> None:
    article = parse_article(write(tmp_path, "gift-wrap", GOOD.format(id="gift-wrap")))
    sections = [p for p in article.passages if p.kind == "section"]
    assert [p.heading for p in sections] == ["Gift wrapping", "How to ask for gift wrapping", "What it costs"]
    assert sections[1].text == "Tick the gift box at checkout."
    assert [p.lead for p in sections] == [True, False, False]  # the opening paragraph
    assert [p.text for p in article.passages if p.kind == "question"] == ["can you wrap it as a present"]
    assert len({p.id for p in article.passages}) == len(article.passages)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter\n", 1, "must start"),
        ("---\nid: x\n", 1, "not closed"),
        ("---\nid: broken\ntitle: [unclosed\ncategory: x\n---\nbody\n", 4, "not valid YAML"),
        ("---\nid: broken\ntitle: t\n---\nbody\n", 2, "lacks category"),
    ],
)
def test_broken_front_matter_names_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(ArticleError) as caught:
        parse_article(write(tmp_path, "broken", text))
    assert caught.value.path.name == "broken.md"
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"broken.md:{line}:")


def test_id_must_match_file_name(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="differs from the file name"):
        parse_article(write(tmp_path, "other-name", GOOD.format(id="gift-wrap")))


def test_an_age_rule_must_be_days_and_name_an_existing_article(tmp_path: Path) -> None:
    rule = "url: https://larkspur.example/help/{id}\n"
    write(tmp_path, "late", GOOD.format(id="late").replace(rule.format(id="late"),
          rule.format(id="late") + "applies_after_days: thirty\n"))
    with pytest.raises(ArticleError, match=r"late\.md:2: applies_after_days must be a whole number"):
        load_articles(tmp_path)
    write(tmp_path, "late", GOOD.format(id="late").replace(rule.format(id="late"),
          rule.format(id="late") + "applies_after_days: 30\nwithin_see: nowhere\n"))
    with pytest.raises(ArticleError, match=r"late\.md:2: within_see: no article 'nowhere'"):
        load_articles(tmp_path)
    write(tmp_path, "policy", GOOD.format(id="policy"))
    write(tmp_path, "late", GOOD.format(id="late").replace(rule.format(id="late"),
          rule.format(id="late") + "applies_after_days: 30\nwithin_see: policy\n"))
    late = next(a for a in load_articles(tmp_path) if a.id == "late")
    assert (late.applies_after_days, late.within_see) == (30, "policy")


def test_a_special_case_is_named_by_a_list_of_words(tmp_path: Path) -> None:
    rule = "url: https://larkspur.example/help/{id}\n"
    assert parse_article(write(tmp_path, "plain", GOOD.format(id="plain"))).only_when == ()
    case = parse_article(write(tmp_path, "boxes", GOOD.format(id="boxes").replace(
        rule.format(id="boxes"), rule.format(id="boxes") + 'only_when: ["po box", " post office "]\n')))
    assert case.only_when == ("po box", "post office")
    for bad in ("only_when: po box\n", "only_when: [\"\"]\n", "only_when: [3]\n"):
        with pytest.raises(ArticleError, match=r"boxes\.md:2: only_when must be a list"):
            parse_article(write(tmp_path, "boxes", GOOD.format(id="boxes").replace(
                rule.format(id="boxes"), rule.format(id="boxes") + bad)))


def test_who_handles_an_article_and_what_it_is_about_are_declared(tmp_path: Path) -> None:
    rule = "url: https://larkspur.example/help/{id}\n"
    plain = parse_article(write(tmp_path, "gift-wrap", GOOD.format(id="gift-wrap")))
    assert (plain.handled_by, plain.about) == ("bot", "shop")
    declared = GOOD.format(id="reach").replace(rule.format(id="reach"),
                                               rule.format(id="reach") + "handled_by: person\nabout: chat\n")
    reach = parse_article(write(tmp_path, "reach", declared))
    assert (reach.handled_by, reach.about) == ("person", "chat")
    for wrong, message in (("handled_by: people\n", "handled_by must be one of bot, person"),
                           ("about: the chat\n", "about must be one of shop, chat")):
        text = GOOD.format(id="bad").replace(rule.format(id="bad"), rule.format(id="bad") + wrong)
        with pytest.raises(ArticleError, match=rf"bad\.md:2: {message}"):
            parse_article(write(tmp_path, "bad", text))


def test_every_article_that_sends_the_customer_to_the_support_team_says_a_person_handles_it() -> None:
    # The help centre's own words for it; an article saying so must declare `handled_by: person`,
    # so the chat never tells a customer to contact support without offering a person. Articles
    # about the chat itself are never served in it, so they need not.
    sends = re.compile(r"contact (?:the support team|us)|email the support team|ask the support team"
                       r"|member of the support team|pass you to (?:a person|the support team)", re.IGNORECASE)
    articles = load_articles(PACKAGE_DIR / "articles")
    undeclared = [a.id for a in articles
                  if sends.search(a.body) and a.handled_by != "person" and a.about != "chat"]
    assert undeclared == []
    about_chat = {a.id for a in articles if a.about == "chat"}
    assert about_chat == {"support-assistant", "support-human-agent"}
    assert sum(a.handled_by == "person" for a in articles) >= 26


def test_the_cases_a_person_handles_are_declared_per_article_or_per_section(tmp_path: Path) -> None:
    rule = "url: https://larkspur.example/help/{id}\n"

    def article(name: str, extra: str) -> Path:
        return write(tmp_path, name, GOOD.format(id=name).replace(rule.format(id=name), rule.format(id=name) + extra))

    plain = parse_article(write(tmp_path, "gift-wrap", GOOD.format(id="gift-wrap")))
    assert plain.person_cases == () and plain.person_case("What it costs") is None
    whole = parse_article(article("whole", "handled_by: person\nperson_case: damaged_item\n"))
    assert whole.person_case("What it costs") == whole.person_case("") == "damaged_item"
    some = parse_article(article("some", 'handled_by: person\nperson_case:\n  "What it costs": person_topic\n'))
    assert some.person_case("What it costs") == "person_topic"
    assert some.person_case("How to ask for gift wrapping") is None and some.person_case("") is None
    for name, extra, message in (
        ("bot", "person_case: damaged_item\n", "person_case needs handled_by: person"),
        ("reason", "handled_by: person\nperson_case: broken\n", "person_case: reason must be one of"),
        ("heading", 'handled_by: person\nperson_case:\n  "Prices": person_topic\n',
         "person_case: no section headed 'Prices'"),
        ("shape", "handled_by: person\nperson_case: [damaged_item]\n", "person_case must be a reason"),
    ):
        with pytest.raises(ArticleError, match=rf"{name}\.md:2: {message}"):
            parse_article(article(name, extra))


def test_the_help_centre_gives_the_handbooks_person_cases_to_a_person() -> None:
    # The handbook: damaged or wrong items, lost parcels and exceptions go to a person; the
    # articles add warranty claims and suspected fraud.
    articles = {a.id: a for a in load_articles(PACKAGE_DIR / "articles")}
    assert articles["returns-damaged-wrong"].person_case("") == "damaged_item"
    assert articles["shipping-lost-parcel"].person_case("") == "lost_parcel"
    assert articles["products-warranty-claim"].person_case("") == "person_topic"
    assert articles["payment-wrong-charges"].person_case("") == "person_topic"
    assert articles["payment-declined"].person_case("Charges you don't recognise or suspected fraud") == "person_topic"
    assert articles["payment-declined"].person_case("Try another payment method") is None
    late = articles["returns-outside-window"]
    assert late.person_case("Asking for an exception to the 30-day return window") == "policy_exception"
    # Past the window, any case the customer tells asks for an exception, unless it is a damaged item.
    assert late.person_case(late.title) == late.person_case("Returns after the 30-day window") == "policy_exception"
    assert late.person_case("Damaged, wrong or faulty items after 30 days") == "damaged_item"
