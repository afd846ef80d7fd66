"""Which replies need no action (they leave a snoozed escalation asleep) and which wake it."""

from __future__ import annotations

import pytest

from handoff.escalations.acknowledgements import needs_no_action


@pytest.mark.parametrize("text", [
    "thanks!", "ok", "👍", "Thank you so much :)", "great, cheers", "🙏🙏", "Okay thanks", "perfect, thank you!",
    "got it", "sounds good 👍", "no worries", "ty", "Cheers!!", "thats great thanks",
])
def test_acknowledgements_need_no_action(text: str) -> None:
    assert needs_no_action(text)


@pytest.mark.parametrize("text", [
    "ok but where is my parcel?", "thanks, but it has not arrived", "any news", "hello?", "I still have no refund",
    "ok when will it come", "thanks! can you also change the address", "", "   ", "the box was damaged",
    "thanks " * 20,
])
def test_anything_else_needs_an_answer(text: str) -> None:
    assert not needs_no_action(text)
