"""bot/rasa_speedups.py: the action server's answers are checked as Rasa checks them, without
re-validating the schema on every call."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.broker  # noqa: F401 - importing the broker installs the speed-up, as in the Rasa process
from bot import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "order_number", "value": "LK-100231"}],
        "responses": [{"text": "hi", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]}
BAD = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": "not a list"}]


def test_installed_by_the_broker_and_idempotent() -> None:
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result


@pytest.mark.parametrize("result", [GOOD, {}, {"events": [], "responses": []}])
def test_valid_answers_pass(result: dict) -> None:
    assert rasa_speedups._validate_action_result(None, result) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("result", BAD)
def test_invalid_answers_fail_with_rasas_error(result: dict) -> None:
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(result, schema)
    with pytest.raises(jsonschema.ValidationError) as ours:
        rasa_speedups._validate_action_result(None, result)  # type: ignore[arg-type]
    assert ours.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in ours.value.message
