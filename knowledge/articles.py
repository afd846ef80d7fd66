"""Help-centre articles: Markdown files with YAML front matter, split into passages.

Each `## ` section is one passage (the text before the first section is the article's
intro), because customers' questions are usually answered by one section, and a short
passage ranks more sharply than a whole article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from contract.bot_handoff import PERSON_CASE_REASONS

REQUIRED = ("id", "title", "category", "tags", "updated", "url")
# Who handles what an article covers (front matter `handled_by`): the chat can ("bot"), or
# a person on the support team does for some or all of it ("person": the article sends the
# customer to the support team). The chat offers a person beside such an article.
HANDLED_BY = ("bot", "person")
# What an article is about (front matter `about`): the shop ("shop"), or the chat assistant
# and the ways to reach the support team ("chat"), which the chat never serves as an answer.
ABOUT = ("shop", "chat")
# A customer who reports their own case of what an article covers (front matter `person_case`:
# "my tent pole snapped", not "what does the warranty cover?") is handed over at once, with the
# hand-over reason it names (contract.bot_handoff.PERSON_CASE_REASONS). Either one reason for the
# whole article, or a mapping of section headings to reasons when only some sections are a
# person's cases (the fraud section of "When your payment is declined"), read in order, where
# "*" stands for every section not named before it. `handled_by: person`
# alone only offers a person: 26 articles say to contact support for some detail.
ALL_SECTIONS = "*"
_SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


class ArticleError(ValueError):
    """An article that cannot be read; names the file and the line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path.name}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Passage:
    id: str
    article_id: str
    title: str
    heading: str
    text: str
    url: str
    tags: tuple[str, ...] = ()
    # "section": a part of the article's text; "question": one of the phrasings customers
    # use for the article (front matter `questions`), matched but never shown.
    kind: str = "section"
    # The article's opening paragraph, before its first heading: what the whole article says.
    lead: bool = False

    @property
    def search_text(self) -> str:
        """What the indexes see: the article's title and the section's heading give
        a passage the words a customer uses for its topic."""
        return f"{self.title}. {self.heading}. {self.text}"


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    category: str
    tags: tuple[str, ...]
    updated: str
    url: str
    body: str
    questions: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = field(default=())
    # For customers more than this many days after the event (delivery): "Returns after 30
    # days". A question that states an age within it is not sent here (knowledge/index/stated_age.py).
    applies_after_days: int | None = None
    # The article for those still within those days ("Our return policy"), which takes this
    # one's place for them.
    within_see: str | None = None
    handled_by: str = "bot"  # one of HANDLED_BY
    about: str = "shop"  # one of ABOUT
    # An article about one special case ("Refunds for orders paid with a gift card") answers only
    # a question that names it by one of these words; the general rule answers the others.
    only_when: tuple[str, ...] = ()
    # Section heading (or ALL_SECTIONS) -> the hand-over reason for a customer reporting that case.
    person_cases: tuple[tuple[str, str], ...] = ()

    def person_case(self, heading: str) -> str | None:
        """The hand-over reason for a customer reporting their own case, when the passage under
        `heading` answered them; None when the bot answers such a report itself."""
        for section, reason in self.person_cases:
            if section in (ALL_SECTIONS, heading):
                return reason
        return None


def _person_cases(path: Path, value: object, headings: set[str]) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    mapping = {ALL_SECTIONS: value} if isinstance(value, str) else value
    if not isinstance(mapping, dict) or not mapping:
        raise ArticleError(path, 2, "person_case must be a reason, or a mapping of section headings to reasons")
    cases = []
    for heading, reason in mapping.items():
        if reason not in PERSON_CASE_REASONS:
            raise ArticleError(path, 2, f"person_case: reason must be one of {', '.join(sorted(PERSON_CASE_REASONS))}")
        if heading != ALL_SECTIONS and heading not in headings:
            raise ArticleError(path, 2, f"person_case: no section headed '{heading}'")
        cases.append((str(heading), str(reason)))
    return tuple(cases)


def _front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    if not text.startswith("---\n"):
        raise ArticleError(path, 1, "front matter must start with a line '---'")
    end = text.find("\n---", 4)
    if end < 0:
        raise ArticleError(path, 1, "front matter is not closed by a line '---'")
    raw = text[4:end]
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        raise ArticleError(path, line, f"front matter is not valid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(meta, dict):
        raise ArticleError(path, 2, "front matter must be a mapping of keys to values")
    body_start_line = raw.count("\n") + 3
    return meta, text[end + 4 :].lstrip("\n"), body_start_line


def parse_article(path: Path) -> Article:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArticleError(path, 1, f"not UTF-8 text ({error.reason})") from error
    meta, body, body_line = _front_matter(path, text)
    missing = [key for key in REQUIRED if key not in meta]
    if missing:
        raise ArticleError(path, 2, f"front matter lacks {', '.join(missing)}")
    if str(meta["id"]) != path.stem:
        raise ArticleError(path, 2, f"id '{meta['id']}' differs from the file name '{path.stem}'")
    tags = meta["tags"]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ArticleError(path, 2, "tags must be a list of words, e.g. [returns, refund]")
    updated = meta["updated"]
    if not isinstance(updated, date):
        raise ArticleError(path, 2, "updated must be a date, e.g. 2026-11-01")
    questions = meta.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
        raise ArticleError(path, 2, "questions must be a list of non-empty strings")
    if not body.strip():
        raise ArticleError(path, body_line, "the article has no text")
    after = meta.get("applies_after_days")
    if after is not None and (isinstance(after, bool) or not isinstance(after, int) or after < 1):
        raise ArticleError(path, 2, "applies_after_days must be a whole number of days, e.g. 30")
    within_see = meta.get("within_see")
    if within_see is not None and (after is None or not isinstance(within_see, str) or not within_see.strip()):
        raise ArticleError(path, 2, "within_see names the article for customers within applies_after_days")
    handled_by = meta.get("handled_by", "bot")
    if handled_by not in HANDLED_BY:
        raise ArticleError(path, 2, f"handled_by must be one of {', '.join(HANDLED_BY)}")
    about = meta.get("about", "shop")
    if about not in ABOUT:
        raise ArticleError(path, 2, f"about must be one of {', '.join(ABOUT)}")
    only_when = meta.get("only_when") or []
    if not isinstance(only_when, list) or not all(isinstance(w, str) and w.strip() for w in only_when):
        raise ArticleError(path, 2, "only_when must be a list of the words that name the article's case")
    article = Article(
        id=str(meta["id"]), title=str(meta["title"]), category=str(meta["category"]),
        tags=tuple(tags), updated=updated.isoformat(), url=str(meta["url"]), body=body,
        questions=tuple(q.strip() for q in questions), applies_after_days=after,
        within_see=within_see.strip() if within_see else None, handled_by=handled_by, about=about,
        only_when=tuple(w.strip() for w in only_when),
    )
    passages = tuple(split_passages(article))
    if meta.get("person_case") is not None and handled_by != "person":
        raise ArticleError(path, 2, "person_case needs handled_by: person")
    cases = _person_cases(path, meta.get("person_case"), {p.heading for p in passages if p.kind == "section"})
    return Article(**{**article.__dict__, "passages": passages, "person_cases": cases})


def split_passages(article: Article) -> list[Passage]:
    parts = _SECTION.split(article.body)
    sections = [(article.title, parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]
    passages = []
    for number, (heading, text) in enumerate(sections):
        text = " ".join(text.split())
        if text:
            passages.append(
                Passage(
                    id=f"{article.id}#{len(passages)}", article_id=article.id, title=article.title,
                    heading=heading, text=text, url=article.url, tags=article.tags, lead=number == 0,
                )
            )
    for question in article.questions:
        passages.append(
            Passage(
                id=f"{article.id}#{len(passages)}", article_id=article.id, title=article.title,
                heading=article.title, text=question, url=article.url, tags=article.tags, kind="question",
            )
        )
    return passages


def load_articles(directory: Path) -> list[Article]:
    """Every article of the help centre, sorted by id; the first broken one raises."""
    articles = [parse_article(path) for path in sorted(directory.glob("*.md"))]
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ArticleError(directory / f"{article.id}.md", 2, f"duplicate id '{article.id}'")
        seen.add(article.id)
    for article in articles:
        if article.within_see and article.within_see not in seen:
            raise ArticleError(directory / f"{article.id}.md", 2, f"within_see: no article '{article.within_see}'")
    return articles
