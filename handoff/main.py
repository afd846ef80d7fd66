"""The handoff service's ASGI app: `uvicorn handoff.main:app` (or `handoff.main:create_app`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from handoff.api import error_handlers
from handoff.api.routes import agents, auth, escalations, health, knowledge, pages, widget, ws
from handoff.services import Services
from handoff.settings import HandoffSettings, get_settings

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


def create_app(settings: HandoffSettings | None = None, *, engine: bool = False) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = await Services.start(settings or get_settings(), engine=engine)
        try:
            yield
        finally:
            await app.state.services.stop()

    app = FastAPI(title="Baton handoff service", lifespan=lifespan)
    error_handlers.install(app)
    for module in (health, auth, agents, escalations, knowledge, ws, pages, widget):  # pages, widget: web
        app.include_router(module.router)
    return app


# The engine (handoff/engine/) follows every conversation and opens the escalations.
app = create_app(engine=True)
