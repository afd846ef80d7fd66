"""The knowledge service's ASGI app: `uvicorn knowledge.main:app`."""

from __future__ import annotations

from fastapi import FastAPI

from knowledge.api.routes import health

app = FastAPI(title="Baton knowledge service")
app.include_router(health.router)
