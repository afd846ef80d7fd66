"""Parsing the help centre's articles."""

from __future__ import annotations

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
