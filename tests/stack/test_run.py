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


def test_the_banner_and_the_settings_never_show_the_redis_password(tmp_path: Path) -> None:
    settings = StackSettings.from_env({"BATON_VAR": str(tmp_path), "BATON_REDIS_PORT": "6411"})
    password = settings.redis_password()
    assert settings.effective_redis_url == f"redis://:{password}@127.0.0.1:6411/0"
    banner = ready_banner(settings)
    assert password not in banner and password not in repr(settings)
    assert "redis://127.0.0.1:6411/0" in banner
    env = settings.process_env(tmp_path / "model.tar.gz")
    assert env["BATON_REDIS_PASSWORD"] == password
    assert settings.redis_config.read_text() == f"requirepass {password}\n"
    for secret in (settings.redis_config, tmp_path / "redis_password"):
        assert secret.stat().st_mode & 0o777 == 0o600
    # A Redis the user runs: its own URL, passed on, shown without its password.
    own = StackSettings.from_env({"BATON_VAR": str(tmp_path), "REDIS_URL": "redis://:hunter2@db.local:6380/1"})
    assert own.effective_redis_url == "redis://:hunter2@db.local:6380/1"
    assert own.redis_address == "redis://db.local:6380/1" and "hunter2" not in ready_banner(own)
