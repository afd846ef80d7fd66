"""The order backend's configuration: every environment variable the `orders` package reads."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from defaults import VAR_DIR
from defaults.env import SettingsError, number, path, text, var_dir

BackendKind = Literal["demo", "http"]


@dataclass(frozen=True)
class OrdersSettings:
    backend: BackendKind = "demo"
    db_path: Path = VAR_DIR / "orders.db"  # the demo store; from the environment: ORDERS_DB, else BATON_VAR's
    api_url: str = ""  # the shop's REST API (docs/order-api.md), for backend "http"
    api_token: str = field(default="", repr=False)  # kept out of logs
    api_timeout: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> OrdersSettings:
        kind = text(env, "ORDERS_BACKEND", "demo").strip().lower()
        if kind not in ("demo", "http"):
            raise SettingsError(f"ORDERS_BACKEND must be 'demo' or 'http', not {kind!r}")
        settings = cls(
            backend=kind,  # type: ignore[arg-type]
            db_path=path(env, "ORDERS_DB", var_dir(env) / "orders.db"),
            api_url=text(env, "ORDERS_API_URL", "").rstrip("/"),
            api_token=text(env, "ORDERS_API_TOKEN", ""),
            api_timeout=number(env, "ORDERS_API_TIMEOUT", 5.0, positive=True),
        )
        if settings.backend == "http" and not settings.api_url:
            raise SettingsError("ORDERS_BACKEND=http needs ORDERS_API_URL (the shop's order API)")
        return settings
