"""The action server's settings: its knowledge URL defaults to where ./baton run starts the
knowledge service, and a bad timeout is refused with the variable's name."""

from __future__ import annotations

import pytest

from bot.actions.settings import ActionSettings
from defaults.env import SettingsError
from stack.settings import StackSettings


def test_unconfigured_the_actions_find_the_stacks_knowledge_service() -> None:
    stack = StackSettings.from_env({})
    assert ActionSettings.from_env({}) == ActionSettings(stack.url(stack.knowledge_port), 5.0)
    given = ActionSettings.from_env({"BATON_KNOWLEDGE_URL": "http://kb:9/", "BATON_KNOWLEDGE_TIMEOUT": "2.5"})
    assert (given.knowledge_url, given.knowledge_timeout) == ("http://kb:9", 2.5)


@pytest.mark.parametrize("value", ["soon", "0", "-1", "inf"])
def test_a_bad_timeout_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match=f"BATON_KNOWLEDGE_TIMEOUT must be a .*not '{value}'"):
        ActionSettings.from_env({"BATON_KNOWLEDGE_TIMEOUT": value})
