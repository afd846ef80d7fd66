"""Questions over the REST channel, answered by the real bot from the real knowledge service:
an answer with its link and "Did that help?", and two "No"s marking the conversation unresolved."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import Stack
from tests.e2e.test_foundation import send


def slots(stack: Stack, sender: str) -> dict:
    tracker = httpx.get(
        f"{stack.url('rasa')}/conversations/{sender}/tracker", headers=stack.rasa_headers(), timeout=30
    ).json()
    return tracker["slots"]


def test_question_gets_the_article_and_a_feedback_question(stack: Stack) -> None:
    sender = f"kb-{uuid.uuid4().hex[:8]}"
    replies = send(stack, sender, "how much is shipping to Canada")
    text = " ".join(r.get("text", "") for r in replies)
    assert "Canada" in text
    assert f"{stack.url('knowledge')}/help/shipping-canada" in text  # the help centre's own page
    feedback = replies[-1]
    assert feedback["text"] == "Did that help?"
    assert [b["payload"] for b in feedback["buttons"]] == ["/affirm", "/deny"]

    thanks = send(stack, sender, "/affirm")
    assert "Glad that helped" in thanks[0]["text"]
    assert slots(stack, sender)["kb_awaiting_feedback"] is False


def test_two_noes_mark_the_conversation_unresolved(stack: Stack) -> None:
    sender = f"kb-{uuid.uuid4().hex[:8]}"
    send(stack, sender, "do you ship to canada and how much is it")
    first = send(stack, sender, "/deny")
    assert slots(stack, sender)["unresolved_reason"] is None
    if first and first[-1].get("buttons"):  # offered other articles: the customer picks none
        send(stack, sender, "/deny")
    else:
        send(stack, sender, "what does shipping to canada cost")
        send(stack, sender, "/deny")
    assert slots(stack, sender)["unresolved_reason"] == "knowledge_rejected"


def test_questions_the_help_centre_cannot_answer_are_said_plainly(stack: Stack) -> None:
    sender = f"kb-{uuid.uuid4().hex[:8]}"
    # Shop questions with no article: an off-domain one is declined without a hand-over (0146).
    first = send(stack, sender, "Can I get my wool coat monogrammed with my initials?")
    assert "don't know" in first[0]["text"]
    send(stack, sender, "Do you offer personal shopping appointments over video call?")
    assert slots(stack, sender)["unresolved_reason"] == "knowledge_no_match"
