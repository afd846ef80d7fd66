"""The knowledge service's HTTP API, on the real help centre and the real embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.knowledge.conftest import TOKEN
from tests.knowledge.test_articles import GOOD


def search(client: TestClient, q: str, k: int = 3) -> dict:
    response = client.get("/search", params={"q": q, "k": k})
    assert response.status_code == 200, response.text
    return response.json()


def test_confident_answer_for_a_plain_question(client: TestClient) -> None:
    body = search(client, "How long does Express shipping take?")
    assert body["outcome"] == "confident"
    top = body["results"][0]
    assert top["article_id"] == "shipping-express"
    assert top["url"] == "http://testserver/help/shipping-express"
    assert "1 to 2 business days" in top["text"]
    assert 0 <= body["confidence"] <= 1 and 0.5 < body["answerable"] <= 1
    assert body["language"] == "en"


def test_the_questions_language_is_said(client: TestClient) -> None:
    # The help centre reads English: the bot says so to a customer it cannot answer in theirs.
    assert search(client, "Wie viel kostet der Versand nach Österreich?")["language"] == "de"
    assert search(client, "ile kosztuje wysyłka do Polski?")["language"] == "pl"


def test_a_customer_in_time_is_not_sent_to_the_late_returns_article(client: TestClient) -> None:
    # "Returns after 30 days" applies after 30 days (front matter applies_after_days) and
    # names the ordinary policy for customers still in time (within_see).
    in_time = search(client, "I bought these trail runners 2 weeks ago and they pinch, too late to send them back?")
    ids = [r["article_id"] for r in in_time["results"]]
    assert ids[0] == "returns-policy"
    assert "returns-outside-window" not in ids[:2]
    late = search(client, "it has been seven weeks since my boots were delivered, can I still return them")
    assert late["results"][0]["article_id"] == "returns-outside-window"


def test_a_special_case_answers_only_a_question_that_names_it(client: TestClient) -> None:
    # "Refunds for orders paid with a gift card" and "Shipping to PO boxes" declare their case
    # (front matter only_when): a question about the general rule gets the general article.
    card = search(client, "What's the refund method for a card payment?")["results"]
    assert card[0]["article_id"] != "returns-gift-card-refunds" and "payment method you used" in card[0]["text"]
    named = search(client, "I paid with a card my aunt gave me and I'm sending the boots back, where does the money go")
    assert named["results"][0]["article_id"] == "returns-gift-card-refunds"
    for asked in ("Which shipping options do you have?", "what delivery options are there"):
        assert search(client, asked)["results"][0]["article_id"] != "shipping-po-boxes", asked
    for asked in ("Can Express go to a PO box?", "I only get mail at the post office, can my order go there"):
        assert search(client, asked)["results"][0]["article_id"] == "shipping-po-boxes", asked


def test_no_match_for_what_the_help_centre_does_not_cover(client: TestClient) -> None:
    body = search(client, "do you have a physical store")  # a shop question (negatives/not_covered.txt)
    assert body["outcome"] == "no_match"
    assert body["answerable"] < 0.5 and body["off_domain"] < 0.7


def test_off_domain_for_what_no_shop_answers(client: TestClient) -> None:
    body = search(client, "what's a good recipe for sourdough bread")
    assert body["outcome"] == "off_domain"
    assert body["off_domain"] >= 0.9


def test_results_say_who_handles_them_and_talk_about_the_chat_is_ours(client: TestClient) -> None:
    body = search(client, "I want to talk to a real person")
    top = body["results"][0]
    assert (top["article_id"], top["handled_by"], top["about"]) == ("support-human-agent", "person", "chat")
    # Asking the assistant for a person reads as an assistant's small talk, yet it is ours.
    assert body["outcome"] != "off_domain"
    damaged = search(client, "my jacket arrived torn, what do I do")["results"][0]
    assert (damaged["handled_by"], damaged["about"]) == ("person", "shop")


def test_results_are_ranked_one_per_article(client: TestClient) -> None:
    body = search(client, "refund for my return", k=5)
    ids = [r["article_id"] for r in body["results"]]
    assert len(ids) == 5 and len(set(ids)) == 5
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01\x02", "\u200b\u200b"])
def test_empty_query_is_a_clear_422(client: TestClient, q: str) -> None:
    response = client.get("/search", params={"q": q})
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


def test_overlong_query_is_refused_with_its_length(client: TestClient) -> None:
    response = client.get("/search", params={"q": "where is my parcel " * 200})
    assert response.status_code == 422
    assert "at most 2000" in response.json()["detail"]


# A pasted 2,000-letter "word" (the longest query allowed): the spelling corrector must not try
# to mend it.
MASHED = "".join(chr(ord("a") + (i * i + 3 * i) % 26) for i in range(2000))


@pytest.mark.parametrize(
    "q", ["¿Dónde está mi pedido?", "我的包裹在哪里", "\udcff\udcfe binary", "🙂🙂🙂", "a", MASHED]
)
def test_odd_queries_get_an_answer_not_an_error(client: TestClient, q: str) -> None:
    response = client.get("/search", params={"q": q.encode("utf-8", "surrogateescape").decode("utf-8", "replace")})
    assert response.status_code == 200
    assert response.json()["outcome"] in {"confident", "unsure", "no_match", "off_domain"}


def test_k_out_of_range_is_a_422(client: TestClient) -> None:
    assert client.get("/search", params={"q": "returns", "k": 0}).status_code == 422
    assert client.get("/search", params={"q": "returns", "k": 21}).status_code == 422


def test_articles_list_and_detail(client: TestClient) -> None:
    listing = client.get("/articles").json()
    assert len(listing) >= 60
    assert {"id", "title", "category", "tags", "updated", "url"} <= set(listing[0])
    assert all(a["category"] == "returns" for a in client.get("/articles", params={"category": "returns"}).json())
    detail = client.get("/articles/returns-policy").json()
    assert detail["sections"] and "30 days" in detail["body"]
    missing = client.get("/articles/no-such-article")
    assert missing.status_code == 404 and "no-such-article" in missing.json()["detail"]


def test_reindex_needs_the_token(client: TestClient) -> None:
    assert client.post("/reindex").status_code == 401
    assert client.post("/reindex", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/reindex", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_new_article_found_after_reindex_and_broken_one_keeps_old_index(
    client: TestClient, articles_dir: Path
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    (articles_dir / "gift-wrap.md").write_text(GOOD.format(id="gift-wrap"))
    body = client.post("/reindex", headers=auth).json()
    assert body["changed"] is True
    version = body["version"]
    assert search(client, "can you gift wrap my order")["results"][0]["article_id"] == "gift-wrap"

    (articles_dir / "broken.md").write_text("---\nid: broken\ntitle: [unclosed\n---\nbody\n")
    response = client.post("/reindex", headers=auth)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["file"] == "broken.md" and detail["line"] == 3 and detail["serving"] == version
    assert client.get("/health").json()["version"] == version
    assert search(client, "can you gift wrap my order")["results"][0]["article_id"] == "gift-wrap"
    (articles_dir / "broken.md").unlink()
    (articles_dir / "gift-wrap.md").unlink()
    assert client.post("/reindex", headers=auth).json()["changed"] is True


def test_health_describes_the_index(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["articles"] >= 60 and body["model"]
