"""The help centre as pages, on the real articles and the real search: topics, search, an
article, votes; and the links the service gives the bot point at these pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge.settings import KnowledgeSettings, get_settings
from tests.knowledge.conftest import TOKEN


def test_the_front_page_lists_every_topic_and_article(client: TestClient) -> None:
    response = client.get("/help")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    for topic in ("returns", "shipping", "payment", "account"):
        assert f'id="topic-{topic}"' in page
    assert '<a href="/help/shipping-express">' in page
    assert '<label for="q">' in page and 'lang="en"' in page
    assert "http" not in re.sub(r'href="/[^"]*"', "", page.split("<body>")[0]).replace("http-equiv", "")


def test_search_uses_the_hybrid_search(client: TestClient) -> None:
    page = client.get("/help", params={"q": "how long does express shipping take"}).text
    first = re.search(r'<ol class="results">\s*<li><a href="([^"]+)"', page)
    assert first and first.group(1) == "/help/shipping-express"
    nothing = client.get("/help", params={"q": "\u200b\u200b"}).text
    assert "Type a question to search." in nothing


def test_an_article_page_renders_its_markdown_and_escapes_the_query(client: TestClient) -> None:
    page = client.get("/help/shipping-express").text
    assert "<h1>Express shipping</h1>" in page
    assert "<h2>How fast Express shipping is</h2>" in page
    assert "<legend id=\"vote-heading\">Was this helpful?</legend>" in page
    hostile = client.get("/help", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    missing = client.get("/help/no-such-article")
    assert missing.status_code == 404 and "doesn&#39;t exist" in missing.text


def test_votes_are_stored_once_per_visitor_and_read_with_the_admin_token(client: TestClient) -> None:
    client.cookies.clear()
    before = client.get("/votes", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    cursor = before[-1]["seq"] if before else 0
    voted = client.post("/help/returns-policy/vote", data={"helpful": "yes"}, follow_redirects=False)
    assert voted.status_code == 303 and voted.headers["location"] == "/help/returns-policy?voted=yes#vote"
    assert "Glad it helped." in client.get(voted.headers["location"]).text
    # The same visitor (cookie) changes their mind: still one vote, now "no".
    client.post("/help/returns-policy/vote", data={"helpful": "no"})
    rows = client.get("/votes", params={"after": cursor}, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert [(r["article_id"], r["helpful"]) for r in rows][-1] == ("returns-policy", False)
    assert len({r["visitor"] for r in rows}) == 1
    votes = client.app.state.votes  # type: ignore[attr-defined]
    assert votes.counts("returns-policy")[0] + votes.counts("returns-policy")[1] == 1 + sum(
        1 for r in before if r["article_id"] == "returns-policy")
    assert client.post("/help/no-such-article/vote", data={"helpful": "yes"}).status_code == 404
    assert client.post("/help/returns-policy/vote", data={"helpful": "maybe"}).status_code == 422
    assert client.get("/votes").status_code == 401


@pytest.fixture
def shop_help_centre(client: TestClient) -> Iterator[str]:
    base = "https://help.shop.example/articles"
    settings = KnowledgeSettings(KNOWLEDGE_PUBLIC_URL=base + "/", KNOWLEDGE_TOKEN=TOKEN)
    client.app.dependency_overrides[get_settings] = lambda: settings  # type: ignore[attr-defined]
    yield base
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]


def test_links_given_out_point_at_this_help_centre(client: TestClient) -> None:
    top = client.get("/search", params={"q": "How long does Express shipping take?"}).json()["results"][0]
    assert top["url"] == "http://testserver/help/shipping-express"
    assert client.get("/articles/shipping-express").json()["url"] == "http://testserver/help/shipping-express"


def test_a_shop_with_its_own_help_centre_sets_its_base(client: TestClient, shop_help_centre: str) -> None:
    top = client.get("/search", params={"q": "How long does Express shipping take?"}).json()["results"][0]
    assert top["url"] == f"{shop_help_centre}/shipping-express"
    listed = client.get("/articles", params={"category": "returns"}).json()
    assert listed and all(a["url"] == f"{shop_help_centre}/{a['id']}" for a in listed)
