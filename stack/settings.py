"""Where every process listens and how they find each other: the one place the stack reads
its environment. ./baton run and the test fixtures both build the processes' environment
from here, so the Procfile and endpoints.yml only ever see `BATON_*` variables.

Standard library only: the fixtures that use it run in both environments (3.10 and 3.11).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from stack import channels

ROOT = Path(__file__).resolve().parent.parent
ORDERS_ENV = ("ORDERS_BACKEND", "ORDERS_API_URL", "ORDERS_API_TOKEN", "ORDERS_API_TIMEOUT")


def _env(name: str, default: str, env: Mapping[str, str]) -> str:
    return env.get(name) or default


@dataclass
class StackSettings:
    host: str = "127.0.0.1"
    var_dir: Path = ROOT / "var"
    redis_url: str = ""  # empty: start a private redis-server with its data under var/redis
    redis_port: int = 6390
    rasa_port: int = 5005
    actions_port: int = 5055
    knowledge_port: int = 8001
    handoff_port: int = 8002
    rasa_token: str = ""  # empty: generate one on first run and keep it in var/rasa_token
    knowledge_token: str = ""  # empty: likewise, in var/knowledge_token
    event_stream: str = "baton:events"
    bot_venv: Path = ROOT / ".venvs" / "bot"
    svc_venv: Path = ROOT / ".venvs" / "svc"
    ready_timeout: float = 180.0
    # handoff engine: where Rasa's callback channel POSTs replies (credentials.yml `callback`); empty: off.
    callback_url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> StackSettings:
        return cls(
            host=_env("BATON_HOST", "127.0.0.1", env),
            var_dir=Path(_env("BATON_VAR", str(ROOT / "var"), env)),
            redis_url=_env("REDIS_URL", "", env),
            redis_port=int(_env("BATON_REDIS_PORT", "6390", env)),
            rasa_port=int(_env("RASA_PORT", "5005", env)),
            actions_port=int(_env("ACTIONS_PORT", "5055", env)),
            knowledge_port=int(_env("KNOWLEDGE_PORT", "8001", env)),
            handoff_port=int(_env("HANDOFF_PORT", "8002", env)),
            rasa_token=_env("RASA_TOKEN", "", env),
            knowledge_token=_env("KNOWLEDGE_TOKEN", "", env),
            event_stream=_env("BATON_EVENT_STREAM", "baton:events", env),
            bot_venv=Path(_env("BATON_BOT_VENV", str(ROOT / ".venvs" / "bot"), env)),
            svc_venv=Path(_env("BATON_SVC_VENV", str(ROOT / ".venvs" / "svc"), env)),
            ready_timeout=float(_env("BATON_READY_TIMEOUT", "180", env)),
            callback_url=_env("BATON_CALLBACK_URL", "", env),
        )

    @property
    def private_redis(self) -> bool:
        return not self.redis_url

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"redis://{self.host}:{self.redis_port}/0"

    def token(self) -> str:
        """The Rasa HTTP API's token."""
        return self.rasa_token or self._secret("rasa_token")

    def admin_token(self) -> str:
        """The knowledge service's token for POST /reindex."""
        return self.knowledge_token or self._secret("knowledge_token")

    def _secret(self, name: str) -> str:
        path = self.var_dir / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}"

    def process_env(self, model: Path) -> dict[str, str]:
        """The environment every process of the stack is started with."""
        redis = urlparse(self.effective_redis_url)
        return {
            "BATON_HOST": self.host,
            "BATON_VAR": str(self.var_dir),
            "BATON_REDIS_URL": self.effective_redis_url,
            "BATON_REDIS_HOST": redis.hostname or "127.0.0.1",
            "BATON_REDIS_PORT": str(redis.port or 6379),
            "BATON_REDIS_DB": (redis.path or "/0").lstrip("/") or "0",
            "BATON_REDIS_PASSWORD": redis.password or "",
            "BATON_EVENT_STREAM": self.event_stream,
            "BATON_ACTIONS_URL": f"{self.url(self.actions_port)}/webhook",
            "BATON_RASA_URL": self.url(self.rasa_port),
            "BATON_KNOWLEDGE_URL": self.url(self.knowledge_port),
            "BATON_HANDOFF_URL": self.url(self.handoff_port),
            "RASA_PORT": str(self.rasa_port),
            "RASA_TOKEN": self.token(),
            "KNOWLEDGE_TOKEN": self.admin_token(),
            "KNOWLEDGE_CACHE_DIR": str(self.var_dir / "knowledge"),
            "RASA_MODEL": str(model),
            "ACTIONS_PORT": str(self.actions_port),
            "KNOWLEDGE_PORT": str(self.knowledge_port),
            "HANDOFF_PORT": str(self.handoff_port),
            "BOT_VENV": str(self.bot_venv),
            "SVC_VENV": str(self.svc_venv),
            "PYTHONPATH": str(ROOT),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            # Order backend (orders/settings.py): passed through when set; the demo store's
            # file defaults to this stack's var dir, so test stacks get a fresh one.
            "ORDERS_DB": os.environ.get("ORDERS_DB") or str(self.var_dir / "orders.db"),
            **{name: os.environ[name] for name in ORDERS_ENV if os.environ.get(name)},
            **({"BATON_CALLBACK_URL": self.callback_url} if self.callback_url else {}),  # handoff engine
            **self.channel_env(),
            **self.extra_env,
        }

    # --- messaging apps: Rasa starts with var/credentials.yml, only the configured connectors ---
    def channel_env(self) -> dict[str, str]:
        callback = {"BATON_CALLBACK_URL": self.callback_url} if self.callback_url else {}
        path, _labels, optional = channels.write(self.var_dir, {**os.environ, **callback, **self.extra_env})
        return {"BATON_CREDENTIALS": str(path), **optional}
