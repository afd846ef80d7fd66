"""The console's search through the knowledge client, against the real knowledge service:
its answer as it is, its refusals with their status and words, and a 502 when it is down."""

from __future__ import annotations

import pytest

from handoff.clients.knowledge import search_articles
from handoff.errors import HandoffError, Upstream
from tests.conftest import Stack, free_port


async def test_the_answer_comes_back_as_the_service_gave_it(knowledge_stack: Stack) -> None:
    body = await search_articles(knowledge_stack.url("knowledge"), "exchange for another size", 2)
    assert body["query"] == "exchange for another size"
    assert 1 <= len(body["results"]) <= 2 and all(hit["url"] for hit in body["results"])


async def test_a_refusal_keeps_its_status_and_words(knowledge_stack: Stack) -> None:
    # Only an invisible character: the knowledge service finds the query empty.
    with pytest.raises(HandoffError) as refused:
        await search_articles(knowledge_stack.url("knowledge"), "\u200b", 3)
    assert not isinstance(refused.value, Upstream)
    assert (refused.value.status_code, refused.value.detail) == (422, "the query is empty: pass the question as ?q=")


async def test_a_service_that_is_down_is_a_502() -> None:
    with pytest.raises(Upstream) as down:
        await search_articles(f"http://127.0.0.1:{free_port()}", "refund", 3)
    assert down.value.status_code == 502 and "could not be reached" in down.value.detail
