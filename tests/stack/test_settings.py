"""StackSettings: what it reads, and the environment it starts every process with."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from defaults.env import SettingsError
from handoff.settings import HandoffSettings
from knowledge.settings import KnowledgeSettings
from orders.settings import OrdersSettings
from stack.procfile import PROCFILE
from stack.settings import ROOT, StackSettings

TELEGRAM = {"TELEGRAM_ACCESS_TOKEN": "123:abc", "TELEGRAM_VERIFY": "larkspur_bot"}


def test_process_env_is_built_from_the_environment_given_not_this_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # This process's own environment says otherwise: none of it may leak into the result.
    monkeypatch.setenv("ORDERS_API_URL", "http://not-this-one")
    monkeypatch.setenv("HANDOFF_DEMO_PASSWORD", "not-this-one")
    for name in ("SLACK_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.setenv(name, "not-this-one")
    given = {"BATON_VAR": str(tmp_path), "ORDERS_BACKEND": "http", "ORDERS_API_URL": "http://shop/api",
             "HANDOFF_DEMO_PASSWORD": "given-password", **TELEGRAM}
    settings = StackSettings.from_env(given)
    env = settings.process_env(Path("model.tar.gz"))
    assert (env["ORDERS_BACKEND"], env["ORDERS_API_URL"]) == ("http", "http://shop/api")
    assert env["HANDOFF_DEMO_PASSWORD"] == settings.demo_password == "given-password"
    # ./baton run is the demo, and says so to the handoff service (which seeds the demo accounts).
    assert env["HANDOFF_DEMO_MODE"] == "1"
    not_demo = StackSettings(var_dir=tmp_path / "shop", demo_mode=False)
    assert not_demo.process_env(Path("m"))["HANDOFF_DEMO_MODE"] == "0"
    assert env["TELEGRAM_ACCESS_TOKEN"] == "123:abc" and "SLACK_TOKEN" not in env
    assert settings.messaging_apps() == ["Telegram"]
    written = Path(env["BATON_CREDENTIALS"]).read_text()
    assert "bot.channels.telegram.TelegramInput" in written and "SlackInput" not in written
    assert StackSettings.from_env({"BATON_VAR": str(tmp_path)}).messaging_apps() == []


def test_every_variable_the_procfile_and_endpoints_yml_use_is_set(tmp_path: Path) -> None:
    env = StackSettings(var_dir=tmp_path, rasa_token="t").process_env(Path("model.tar.gz"))
    procfile = set(re.findall(r"\$\{?(\w+)", PROCFILE.read_text()))
    endpoints = set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.yml").read_text()))
    assert {"BATON_RASA_KEY_PREFIX", "BATON_CREDENTIALS", "RASA_MODEL"} <= procfile | endpoints
    assert procfile | endpoints <= set(env)
    assert env["BATON_RASA_KEY_PREFIX"] == "baton" and env["BATON_REDIS_PORT"] == "6390"


def test_the_settings_are_fixed_but_the_fixtures_can_add_variables(tmp_path: Path) -> None:
    settings = StackSettings(var_dir=tmp_path, rasa_token="t", extra_env={"HANDOFF_CLAIM_IDLE_MS": "2000"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.rasa_port = 1  # type: ignore[misc]
    settings.extra_env["HANDOFF_WAITING_REMINDER_SECONDS"] = "3"
    moved = dataclasses.replace(settings, rasa_port=6000)
    env = moved.process_env(Path("m"))
    assert (env["RASA_PORT"], env["HANDOFF_CLAIM_IDLE_MS"]) == ("6000", "2000")
    assert env["HANDOFF_WAITING_REMINDER_SECONDS"] == "3"
    # The callback channel is switched on for Rasa by the stack's own setting.
    called = dataclasses.replace(settings, callback_url="http://127.0.0.1:9/callback").process_env(Path("m"))
    assert called["BATON_CALLBACK_URL"] == "http://127.0.0.1:9/callback"
    assert "bot.channels.rest.CallbackInput:" in Path(called["BATON_CREDENTIALS"]).read_text()


@pytest.mark.parametrize(("env", "message"), [
    ({"RASA_PORT": "fifty"}, "RASA_PORT must be a whole number, not 'fifty'"),
    ({"HANDOFF_PORT": "80000"}, "HANDOFF_PORT must be between 1 and 65535, not 80000"),
    ({"BATON_REDIS_PORT": "0"}, "BATON_REDIS_PORT must be between 1 and 65535"),
    ({"BATON_READY_TIMEOUT": "soon"}, "BATON_READY_TIMEOUT must be a number, not 'soon'"),
    ({"BATON_READY_TIMEOUT": "-5"}, "BATON_READY_TIMEOUT must be a positive finite number"),
    ({"BATON_READY_TIMEOUT": "nan"}, "BATON_READY_TIMEOUT must be a positive finite number"),
])
def test_a_bad_value_is_refused_with_its_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        StackSettings.from_env(env)


def test_the_services_refuse_bad_values_with_the_variables_name(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="ORDERS_API_TIMEOUT must be a number, not 'later'"):
        OrdersSettings.from_env({"ORDERS_API_TIMEOUT": "later"})
    monkeypatch.setenv("HANDOFF_BCRYPT_ROUNDS", "many")
    with pytest.raises(ValidationError, match="HANDOFF_BCRYPT_ROUNDS"):
        HandoffSettings()
    monkeypatch.setenv("KNOWLEDGE_ENCODER", "gpu")
    with pytest.raises(ValidationError, match="KNOWLEDGE_ENCODER"):
        KnowledgeSettings()


def test_the_widget_key_is_one_secret_file_for_the_handoff_service_and_rasa(tmp_path: Path) -> None:
    env = StackSettings(var_dir=tmp_path, rasa_token="t").process_env(Path("m"))
    stored = tmp_path / "widget_key"
    assert env["HANDOFF_WIDGET_KEY"] == stored.read_text().strip() and len(env["HANDOFF_WIDGET_KEY"]) >= 32
    assert stored.stat().st_mode & 0o777 == 0o600
    assert StackSettings(var_dir=tmp_path).widget_secret() == env["HANDOFF_WIDGET_KEY"]
    assert StackSettings(var_dir=tmp_path, widget_key="given-key").widget_secret() == "given-key"
    # The socket.io channel is in Rasa's credentials, its key only a placeholder there.
    written = Path(env["BATON_CREDENTIALS"]).read_text()
    assert "bot.channels.socketio.SocketIOInput:" in written and env["HANDOFF_WIDGET_KEY"] not in written


def test_the_widget_origins_default_to_the_demo_page_and_are_checked(tmp_path: Path) -> None:
    settings = StackSettings.from_env({"BATON_VAR": str(tmp_path), "HANDOFF_PORT": "8123"})
    assert settings.effective_widget_origins() == ("http://127.0.0.1:8123", "http://localhost:8123")
    given = StackSettings.from_env({"BATON_WIDGET_ORIGINS": "https://shop.example, https://www.shop.example:8443"})
    assert given.effective_widget_origins() == ("https://shop.example", "https://www.shop.example:8443")
    for bad in ("*", "https://shop.example/path", "https://*.shop.example", "$(reboot)"):
        with pytest.raises(SettingsError, match="BATON_WIDGET_ORIGINS"):
            StackSettings.from_env({"BATON_WIDGET_ORIGINS": bad})


def test_reply_links_lead_to_the_demo_page_on_the_ports_given(tmp_path: Path) -> None:
    """An agent's email links back to the widget: by default the demo page of this handoff
    service, wherever it listens, not the default port's; a shop's own page when it names one."""
    moved = StackSettings.from_env({"BATON_VAR": str(tmp_path), "HANDOFF_PORT": "8123", "RASA_TOKEN": "t"})
    assert moved.process_env(Path("m"))["HANDOFF_EMAIL_REPLY_URL"] == "http://127.0.0.1:8123/demo"
    shop = StackSettings.from_env({"BATON_VAR": str(tmp_path), "RASA_TOKEN": "t",
                                   "HANDOFF_EMAIL_REPLY_URL": "https://shop.example/help"})
    assert shop.process_env(Path("m"))["HANDOFF_EMAIL_REPLY_URL"] == "https://shop.example/help"
