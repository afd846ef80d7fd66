"""Issue 19, finding 9 on the messaging apps: a 20,000-character message posted to Rasa's
Telegram, Twilio (WhatsApp), Facebook and Slack webhooks, in each provider's real format, is
answered through that provider with the request to shorten it (caught by the fake providers on
loopback, tests/e2e/fake_providers.py), and never reaches the conversation's tracker."""

from __future__ import annotations

import httpx
import pytest

from defaults import MAX_MESSAGE_CHARS
from tests.conftest import Stack
from tests.e2e.fake_providers import FakeProviders
from tests.e2e.test_channels import PROVIDERS, customer


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_oversized_message_on_a_messaging_app_is_answered_there(
    stack: Stack, fake_providers: FakeProviders, provider: str,
) -> None:
    person = customer(provider, fake_providers)
    response = person.post(stack, "v" * 20_000)
    assert response.status_code < 300, response.text
    sent = fake_providers.wait_for(provider, person.recipient, "too long")
    assert any(f"{MAX_MESSAGE_CHARS:,}" in text for text in sent)
    tracker = httpx.get(f"{stack.url('rasa')}/conversations/{person.sender_id}/tracker",
                        headers=stack.rasa_headers(), timeout=30)
    tracker.raise_for_status()
    assert all(len(event.get("text") or "") <= MAX_MESSAGE_CHARS
               for event in tracker.json()["events"] if event.get("event") == "user")
