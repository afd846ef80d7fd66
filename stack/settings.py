"""Where every process listens and how they find each other: the one place the stack reads
its environment. ./baton run and the test fixtures both build the processes' environment
from here, so the Procfile and endpoints.yml only ever see `BATON_*` variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlparse

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    host: str = Field("127.0.0.1", alias="BATON_HOST")
    var_dir: Path = Field(ROOT / "var", alias="BATON_VAR")
    # Empty: start a private redis-server with its data under var/redis.
    redis_url: str = Field("", alias="REDIS_URL")
    redis_port: int = Field(6390, alias="BATON_REDIS_PORT")
    rasa_port: int = Field(5005, alias="RASA_PORT")
    actions_port: int = Field(5055, alias="ACTIONS_PORT")
    knowledge_port: int = Field(8001, alias="KNOWLEDGE_PORT")
    handoff_port: int = Field(8002, alias="HANDOFF_PORT")
    # Empty: generate one on first run and keep it in var/rasa_token.
    rasa_token: str = Field("", alias="RASA_TOKEN")
    event_stream: str = Field("baton:events", alias="BATON_EVENT_STREAM")
    bot_venv: Path = Field(ROOT / ".venvs" / "bot", alias="BATON_BOT_VENV")
    svc_venv: Path = Field(ROOT / ".venvs" / "svc", alias="BATON_SVC_VENV")
    ready_timeout: float = Field(180.0, alias="BATON_READY_TIMEOUT")

    @property
    def private_redis(self) -> bool:
        return not self.redis_url

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"redis://{self.host}:{self.redis_port}/0"

    def token(self) -> str:
        if self.rasa_token:
            return self.rasa_token
        path = self.var_dir / "rasa_token"
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
            "RASA_MODEL": str(model),
            "ACTIONS_PORT": str(self.actions_port),
            "KNOWLEDGE_PORT": str(self.knowledge_port),
            "HANDOFF_PORT": str(self.handoff_port),
            "BOT_VENV": str(self.bot_venv),
            "SVC_VENV": str(self.svc_venv),
            "PYTHONPATH": str(ROOT),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
