"""The order backend's configuration: every environment variable the `orders` package reads."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
BackendKind = Literal["demo", "http"]


@dataclass(frozen=True)
class OrdersSettings:
    backend: BackendKind = "demo"
    db_path: Path = ROOT / "var" / "orders.db"  # the demo store
    api_url: str = ""  # the shop's REST API (docs/order-api.md), for backend "http"
    api_token: str = ""
    api_timeout: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> OrdersSettings:
        kind = (env.get("ORDERS_BACKEND") or "demo").strip().lower()
        if kind not in ("demo", "http"):
            raise ValueError(f"ORDERS_BACKEND must be 'demo' or 'http', not {kind!r}")
        db = Path(env.get("ORDERS_DB") or ROOT / "var" / "orders.db")
        settings = cls(
            backend=kind,  # type: ignore[arg-type]
            db_path=db if db.is_absolute() else ROOT / db,
            api_url=(env.get("ORDERS_API_URL") or "").rstrip("/"),
            api_token=env.get("ORDERS_API_TOKEN") or "",
            api_timeout=float(env.get("ORDERS_API_TIMEOUT") or 5),
        )
        if settings.backend == "http" and not settings.api_url:
            raise ValueError("ORDERS_BACKEND=http needs ORDERS_API_URL (the shop's order API)")
        return settings
