"""Where every process listens and how they find each other: the one place the stack reads
its environment. ./baton run and the test fixtures both build the processes' environment
from here, so the Procfile and endpoints.yml only ever see `BATON_*` variables.

Standard library only: the fixtures that use it run in both environments (3.10 and 3.11).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import defaults
from defaults.env import SettingsError, integer, number, path, port, text, var_dir
from stack import channels
from stack.private_files import write_private

ROOT = defaults.ROOT
# The order backend's variables (orders/settings.py), passed on to the action server when set.
ORDERS_ENV = ("ORDERS_BACKEND", "ORDERS_DB", "ORDERS_API_URL", "ORDERS_API_TOKEN", "ORDERS_API_TIMEOUT")
# An origin as a browser sends it: scheme, host, optional port; no path, no wildcard. The
# Procfile passes the list to Rasa's --cors unquoted, so nothing a shell would expand gets in.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def origins(raw: str) -> tuple[str, ...]:
    """BATON_WIDGET_ORIGINS: origins separated by spaces or commas, each checked."""
    found = tuple(item for item in re.split(r"[\s,]+", raw) if item)
    for origin in found:
        if not ORIGIN.match(origin):
            raise SettingsError(f"BATON_WIDGET_ORIGINS must list origins like https://shop.example, not {origin!r}")
    return found


def channel_variables(source: Path = channels.SOURCE) -> set[str]:
    """Every variable credentials.yml names: the messaging apps' credentials and options."""
    return {name for block in channels.blocks(source.read_text()) for name in block.variables}


# Frozen so that a stack's settings are fixed once built; `extra_env` stays a dict the test
# fixtures add variables to before starting the processes.
@dataclass(frozen=True)
class StackSettings:
    host: str = defaults.HOST
    var_dir: Path = defaults.VAR_DIR
    redis_url: str = ""  # empty: start a private redis-server with its data under var/redis
    redis_port: int = defaults.REDIS_PORT
    rasa_port: int = defaults.RASA_PORT
    actions_port: int = defaults.ACTIONS_PORT
    knowledge_port: int = defaults.KNOWLEDGE_PORT
    handoff_port: int = defaults.HANDOFF_PORT
    # --replicas / BATON_REPLICAS: more than 1 runs that many of every process behind HAProxy, which
    # then takes the ports above; the replicas listen from replica_port_base on (stack/replicas.py).
    replicas: int = 1
    replica_port_base: int = defaults.REPLICA_PORT_BASE
    # Secrets are left out of the repr, so printing the settings shows none.
    rasa_token: str = field(default="", repr=False)  # empty: generated on first run, kept in var/rasa_token
    knowledge_token: str = field(default="", repr=False)  # empty: likewise, in var/knowledge_token
    actions_token: str = field(default="", repr=False)  # Rasa -> action server; empty: in var/actions_token
    # Signs widget sessions; the handoff service issues them, Rasa's socket.io channel checks them.
    widget_key: str = field(default="", repr=False)  # empty: generated, kept in var/widget_key
    # Pages that embed the widget (Rasa's CORS and socket.io origins); empty: the demo page's.
    widget_origins: tuple[str, ...] = ()
    # The page agents' emails link back to (HANDOFF_EMAIL_REPLY_URL); empty: the demo page, on
    # whatever host and port the handoff service is given.
    email_reply_url: str = ""
    event_stream: str = defaults.EVENT_STREAM
    rasa_key_prefix: str = defaults.RASA_KEY_PREFIX  # endpoints.yml: Rasa's tracker and lock stores
    bot_venv: Path = ROOT / ".venvs" / "bot"
    svc_venv: Path = ROOT / ".venvs" / "svc"
    ready_timeout: float = 180.0
    # handoff engine: where Rasa's callback channel POSTs replies (credentials.yml `callback`); empty: off.
    callback_url: str = ""
    # The demo agents' password (handoff/settings.py): handed to the handoff service, shown in the banner.
    demo_password: str = field(default=defaults.DEMO_PASSWORD, repr=False)
    # ./baton run is the demo: the handoff service seeds the demo accounts (HANDOFF_DEMO_MODE, with a
    # loud warning in its log). A shop runs the handoff service itself, without it.
    demo_mode: bool = True
    # Set in the environment and passed on: the order backend's variables (ORDERS_ENV), and the
    # messaging apps' credentials, which also decide the channels Rasa starts (stack/channels.py).
    orders_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    channel_secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    extra_env: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> StackSettings:
        return cls(
            host=text(env, "BATON_HOST", defaults.HOST),
            var_dir=var_dir(env),
            redis_url=text(env, "REDIS_URL", ""),
            redis_port=port(env, "BATON_REDIS_PORT", defaults.REDIS_PORT),
            rasa_port=port(env, "RASA_PORT", defaults.RASA_PORT),
            actions_port=port(env, "ACTIONS_PORT", defaults.ACTIONS_PORT),
            knowledge_port=port(env, "KNOWLEDGE_PORT", defaults.KNOWLEDGE_PORT),
            handoff_port=port(env, "HANDOFF_PORT", defaults.HANDOFF_PORT),
            replicas=integer(env, "BATON_REPLICAS", 1, low=1, high=defaults.MAX_REPLICAS),
            replica_port_base=port(env, "BATON_REPLICA_PORT_BASE", defaults.REPLICA_PORT_BASE),
            rasa_token=text(env, "RASA_TOKEN", ""),
            knowledge_token=text(env, "KNOWLEDGE_TOKEN", ""),
            actions_token=text(env, "ACTIONS_TOKEN", ""),
            widget_key=text(env, "HANDOFF_WIDGET_KEY", ""),
            widget_origins=origins(text(env, "BATON_WIDGET_ORIGINS", "")),
            email_reply_url=text(env, "HANDOFF_EMAIL_REPLY_URL", ""),
            event_stream=text(env, "BATON_EVENT_STREAM", defaults.EVENT_STREAM),
            bot_venv=path(env, "BATON_BOT_VENV", ROOT / ".venvs" / "bot"),
            svc_venv=path(env, "BATON_SVC_VENV", ROOT / ".venvs" / "svc"),
            ready_timeout=number(env, "BATON_READY_TIMEOUT", 180.0, positive=True),
            callback_url=text(env, "BATON_CALLBACK_URL", ""),
            demo_password=text(env, "HANDOFF_DEMO_PASSWORD", defaults.DEMO_PASSWORD),
            orders_env={name: env[name] for name in ORDERS_ENV if env.get(name)},
            channel_secrets={name: env[name] for name in sorted(channel_variables()) if env.get(name)},
        )

    @property
    def private_redis(self) -> bool:
        return not self.redis_url

    @property
    def redis_address(self) -> str:
        """Where Redis listens, without its password: what may be shown or logged."""
        if self.redis_url:
            parsed = urlparse(self.redis_url)
            if parsed.password or parsed.username:
                netloc = parsed.hostname or ""
                netloc = f"[{netloc}]" if ":" in netloc else netloc
                return parsed._replace(netloc=f"{netloc}:{parsed.port}" if parsed.port else netloc).geturl()
            return self.redis_url
        return f"redis://{self.host}:{self.redis_port}/0"

    @property
    def effective_redis_url(self) -> str:
        """The URL every client of the stack's Redis uses: the private one's carries its password,
        so it is passed in the environment only and never printed (print `redis_address`)."""
        if self.redis_url:
            return self.redis_url
        return f"redis://:{quote(self.redis_password(), safe='')}@{self.host}:{self.redis_port}/0"

    def redis_password(self) -> str:
        """The private Redis's password (requirepass), generated on first run into var/redis_password."""
        return self._secret("redis_password")

    @property
    def redis_config(self) -> Path:
        """The private redis-server's generated configuration file (its password), 0600."""
        return self.var_dir / "redis-secret.conf"

    def write_redis_config(self) -> Path:
        # A file, not --requirepass: a command line is visible to every user in `ps`.
        write_private(self.redis_config, f"requirepass {self.redis_password()}\n")
        return self.redis_config

    def token(self) -> str:
        """The Rasa HTTP API's token."""
        return self.rasa_token or self._secret("rasa_token")

    def admin_token(self) -> str:
        """The knowledge service's token for POST /reindex."""
        return self.knowledge_token or self._secret("knowledge_token")

    def actions_secret(self) -> str:
        """The secret Rasa sends the action server (endpoints.yml), which refuses calls without it."""
        return self.actions_token or self._secret("actions_token")

    def widget_secret(self) -> str:
        """The widget sessions' signing key, shared by the handoff service and Rasa."""
        return self.widget_key or self._secret("widget_key")

    def effective_widget_origins(self) -> tuple[str, ...]:
        """Where pages with the widget may be: as set, else the demo page (served by the handoff
        service) under its address and, on loopback, under localhost."""
        if self.widget_origins:
            return self.widget_origins
        demo = self.url(self.handoff_port)
        local = {f"http://localhost:{self.handoff_port}"} if self.host == "127.0.0.1" else set()
        return (demo, *sorted(local - {demo}))

    def _secret(self, name: str) -> str:
        stored = self.var_dir / name
        if not stored.exists():
            stored.parent.mkdir(parents=True, exist_ok=True)
            # Created 600: a file made readable and chmod-ed after could be read in between.
            # O_EXCL: of two processes starting at once, the second reads the first's secret.
            try:
                handle = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(handle, "w") as out:
                    out.write(secrets.token_urlsafe(24))
        return stored.read_text().strip()

    def url(self, port: int) -> str:
        return defaults.url(port, self.host)

    def process_env(self, model: Path) -> dict[str, str]:
        """The environment every process of the stack is started with (on top of the caller's)."""
        redis = urlparse(self.effective_redis_url)
        private_redis = {"BATON_REDIS_CONFIG": str(self.write_redis_config())} if self.private_redis else {}
        return {
            "BATON_HOST": self.host,
            "BATON_VAR": str(self.var_dir),
            "BATON_REDIS_URL": self.effective_redis_url,
            "BATON_REDIS_HOST": redis.hostname or defaults.HOST,
            "BATON_REDIS_PORT": str(redis.port or 6379),  # a URL without a port: Redis's own default
            "BATON_REDIS_DB": (redis.path or "/0").lstrip("/") or "0",
            "BATON_REDIS_PASSWORD": unquote(redis.password or ""),
            **private_redis,
            "BATON_RASA_KEY_PREFIX": self.rasa_key_prefix,
            "BATON_EVENT_STREAM": self.event_stream,
            "BATON_ACTIONS_URL": f"{self.url(self.actions_port)}/webhook",
            "BATON_RASA_URL": self.url(self.rasa_port),
            "BATON_KNOWLEDGE_URL": self.url(self.knowledge_port),
            "BATON_HANDOFF_URL": self.url(self.handoff_port),
            "RASA_PORT": str(self.rasa_port),
            "RASA_TOKEN": self.token(),
            "KNOWLEDGE_TOKEN": self.admin_token(),
            "ACTIONS_TOKEN": self.actions_secret(),
            "HANDOFF_WIDGET_KEY": self.widget_secret(),
            "BATON_WIDGET_ORIGINS": " ".join(self.effective_widget_origins()),
            "HANDOFF_EMAIL_REPLY_URL": self.email_reply_url or f"{self.url(self.handoff_port)}/demo",
            "RASA_MODEL": str(model),
            "ACTIONS_PORT": str(self.actions_port),
            "KNOWLEDGE_PORT": str(self.knowledge_port),
            "HANDOFF_PORT": str(self.handoff_port),
            "HANDOFF_DEMO_PASSWORD": self.demo_password,
            "HANDOFF_DEMO_MODE": "1" if self.demo_mode else "0",
            "BOT_VENV": str(self.bot_venv),
            "SVC_VENV": str(self.svc_venv),
            "PYTHONPATH": str(ROOT),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            # The knowledge cache, the demo order store and the handoff store follow BATON_VAR,
            # so a test stack in its own var dir gets fresh ones.
            **self.orders_env,
            **({"BATON_CALLBACK_URL": self.callback_url} if self.callback_url else {}),  # handoff engine
            **self.channel_env(),
            **self.extra_env,
        }

    # --- messaging apps: Rasa starts with var/credentials.yml, only the configured connectors ---
    def _channel_inputs(self) -> dict[str, str]:
        callback = {"BATON_CALLBACK_URL": self.callback_url} if self.callback_url else {}
        # The widget's channel (socket.io) is always on: its key and origins are always set.
        widget = {"HANDOFF_WIDGET_KEY": self.widget_secret(),
                  "BATON_WIDGET_ORIGINS": " ".join(self.effective_widget_origins())}
        return {**widget, **self.channel_secrets, **callback, **self.extra_env}

    def channel_env(self) -> dict[str, str]:
        """The credentials file Rasa starts with, the apps' credentials, and the optional
        variables those need defined."""
        credentials, _labels, optional = channels.write(self.var_dir, self._channel_inputs())
        return {"BATON_CREDENTIALS": str(credentials), **self.channel_secrets, **optional}

    def messaging_apps(self) -> list[str]:
        """The messaging apps configured, by name."""
        return channels.effective(self._channel_inputs())[1]
