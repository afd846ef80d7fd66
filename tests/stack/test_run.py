"""What ./baton run prints once everything is ready: read from the settings, not the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.run import ready_banner
from stack.settings import StackSettings


def test_the_banner_names_the_configured_password_and_messaging_apps(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HANDOFF_DEMO_PASSWORD", "not-this-one")
    settings = StackSettings.from_env({"BATON_VAR": str(tmp_path), "HANDOFF_DEMO_PASSWORD": "s3cret-demo",
                                       "SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "RASA_PORT": "5123"})
    banner = ready_banner(settings)
    assert "password s3cret-demo)" in banner and "not-this-one" not in banner
    assert "Messaging apps                   Slack (docs/channels.md)" in banner
    assert "http://127.0.0.1:5123/webhooks/rest/webhook" in banner
    assert "none configured" in ready_banner(StackSettings.from_env({"BATON_VAR": str(tmp_path)}))
