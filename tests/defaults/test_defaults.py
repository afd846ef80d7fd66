"""Every settings module starts from defaults/: left unconfigured, or configured only by what
./baton run hands its processes, they agree on where things are, and BATON_VAR moves every path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import defaults
from handoff.settings import HandoffSettings
from knowledge.settings import KnowledgeSettings
from orders.settings import OrdersSettings
from stack.settings import StackSettings

OURS = ("BATON_", "HANDOFF_", "KNOWLEDGE_", "ORDERS_", "RASA_", "REDIS_URL")


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """This process's environment without any of our variables (the pydantic settings read it)."""
    for name in list(os.environ):
        if name.startswith(OURS):
            monkeypatch.delenv(name)
    yield monkeypatch


def test_unconfigured_services_find_the_stack_that_baton_run_starts(environ: pytest.MonkeyPatch) -> None:
    stack = StackSettings.from_env({})
    handoff, knowledge, orders = HandoffSettings(), KnowledgeSettings(), OrdersSettings.from_env({})
    # handoff's Redis is the private one ./baton run starts (it was 6379, a system Redis, before).
    assert handoff.redis_url == stack.redis_address == defaults.REDIS_URL
    assert stack.private_redis and stack.redis_port == defaults.REDIS_PORT == 6390
    assert handoff.event_stream == stack.event_stream == "baton:events"
    assert handoff.rasa_url == stack.url(stack.rasa_port) == "http://127.0.0.1:5005"
    assert handoff.knowledge_url == stack.url(stack.knowledge_port) == "http://127.0.0.1:8001"
    assert (stack.actions_port, stack.handoff_port) == (5055, 8002)
    assert handoff.key_prefix == "baton:handoff" and stack.rasa_key_prefix == "baton"
    assert handoff.demo_password == stack.demo_password
    assert handoff.var_dir == knowledge.var_dir == stack.var_dir == defaults.ROOT / "var"
    assert knowledge.cache_dir == stack.var_dir / "knowledge" and orders.db_path == stack.var_dir / "orders.db"


def started_with(environ: pytest.MonkeyPatch, stack: StackSettings) -> dict[str, str]:
    env = stack.process_env(Path("model.tar.gz"))
    for name, value in env.items():
        environ.setenv(name, value)
    return env


def test_baton_var_moves_every_path(environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stack = StackSettings.from_env({"BATON_VAR": str(tmp_path)})
    env = started_with(environ, stack)  # as the processes see it
    handoff, knowledge, orders = HandoffSettings(), KnowledgeSettings(), OrdersSettings.from_env(env)
    assert stack.var_dir == handoff.var_dir == knowledge.var_dir == tmp_path
    assert knowledge.cache_dir == tmp_path / "knowledge"
    # The example sets' embeddings are the same for every clone: the user-level cache, not BATON_VAR.
    environ.setenv("BATON_CACHE", str(tmp_path / "user-cache"))
    assert KnowledgeSettings().examples_cache_dir == tmp_path / "user-cache" / "embeddings"
    assert orders.db_path == tmp_path / "orders.db"
    assert handoff.effective_database_url == f"sqlite:///{tmp_path / 'handoff.db'}"
    assert handoff.secret_key() and (tmp_path / "handoff_secret").is_file()
    assert handoff.rasa_token == stack.token() and (tmp_path / "rasa_token").is_file()
    assert Path(env["BATON_CREDENTIALS"]).parent == tmp_path
    # The private Redis keeps its files there too (stack/Procfile).
    assert '--dir "$BATON_VAR/redis"' in (defaults.ROOT / "stack" / "Procfile").read_text()


def test_a_relative_baton_var_is_taken_from_the_repository(environ: pytest.MonkeyPatch) -> None:
    environ.chdir("/")
    environ.setenv("BATON_VAR", "var/elsewhere")
    expected = defaults.ROOT / "var" / "elsewhere"
    assert StackSettings.from_env().var_dir == HandoffSettings().var_dir == KnowledgeSettings().var_dir == expected
    assert OrdersSettings.from_env().db_path == expected / "orders.db"
