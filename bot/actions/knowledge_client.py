"""The client of the knowledge service (knowledge/), as the actions use it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.actions.settings import ActionSettings
from contract.bot_handoff import PERSON_CASE_REASONS

# An article id as the help centre names them (file-name-like slugs). The id arrives from the
# customer's side (a `/choose_article{...}` payload, which anyone can type), so anything else,
# "../health" say, is refused before it could name another path of the knowledge service.
ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def valid_article_id(article_id: str) -> bool:
    return ARTICLE_ID.fullmatch(article_id) is not None


class KnowledgeUnavailable(Exception):
    """The knowledge service did not answer; not the same as "no match"."""


@dataclass(frozen=True)
class Article:
    article_id: str
    title: str
    url: str
    heading: str
    text: str
    # Declared in the article's front matter (knowledge/articles.py): "person" when a person on
    # the support team handles (some of) what it covers; "chat" when it is about the chat
    # assistant or reaching the support team, never served as an answer inside the chat.
    handled_by: str = "bot"
    about: str = "shop"
    # The hand-over reason when a customer reporting their own case of this passage's topic goes
    # to a person at once (front matter `person_case`); None when the bot answers such a report.
    person_case: str | None = None

    @property
    def person_handles(self) -> bool:
        return self.handled_by == "person"

    @property
    def about_chat(self) -> bool:
        return self.about == "chat"


@dataclass(frozen=True)
class SearchAnswer:
    outcome: str  # confident | unsure | no_match | off_domain
    confidence: float
    results: list[Article]
    language: str = "en"  # the question's, as the help centre guessed it (ISO 639-1)


def _article(row: dict[str, Any]) -> Article:
    case = row.get("person_case")
    return Article(row["article_id"], row["title"], row["url"], row.get("heading", ""), row.get("text", ""),
                   str(row.get("handled_by", "bot")), str(row.get("about", "shop")),
                   case if case in PERSON_CASE_REASONS else None)


class KnowledgeClient:
    def __init__(self, settings: ActionSettings | None = None) -> None:
        self.settings = settings or ActionSettings.from_env()

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        timeout = aiohttp.ClientTimeout(total=self.settings.knowledge_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
                f"{self.settings.knowledge_url}{path}", params=params
            ) as response:
                if response.status == 404:
                    return None
                if response.status == 422:  # an empty or oversized question: nothing to find
                    return {"outcome": "no_match", "confidence": 0.0, "results": []}
                response.raise_for_status()
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise KnowledgeUnavailable(str(error)) from error

    async def search(self, question: str, k: int = 3) -> SearchAnswer:
        body = await self._get("/search", {"q": question[:2000], "k": k})
        return SearchAnswer(body["outcome"], float(body["confidence"]), [_article(r) for r in body["results"]],
                            str(body.get("language", "en")))

    async def article(self, article_id: str) -> Article | None:
        """The article, or None if there is none by that id (or the id is not one)."""
        if not valid_article_id(article_id):
            return None
        body = await self._get(f"/articles/{quote(article_id, safe='')}")
        if body is None:
            return None
        section = body["sections"][0] if body.get("sections") else {"heading": body["title"], "text": body["body"]}
        return Article(body["id"], body["title"], body["url"], section["heading"], section["text"],
                       str(body.get("handled_by", "bot")), str(body.get("about", "shop")))
