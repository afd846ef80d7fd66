"""The handoff service's ASGI app: `uvicorn handoff.main:app` (or `handoff.main:create_app`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from handoff.api import error_handlers
from handoff.api.routes import (
    agents,
    auth,
    customers,
    emails,
    escalations,
    health,
    knowledge,
    pages,
    reach,
    reports,
    snoozes,
    tasks,
    widget,
    widget_resume,
    ws,
)
from handoff.api.routes.admin_pages import ADMIN_ROUTERS
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
    # pages, widget: the web pages and the widget's own API
    for module in (health, auth, agents, escalations, snoozes, tasks, knowledge, reports, ws, pages, widget):
        app.include_router(module.router)
    for router in ADMIN_ROUTERS:
        app.include_router(router)
    for module in (emails, widget_resume):  # issue 21: email replies and their links back to the chat
        app.include_router(module.router)
    app.include_router(customers.router)  # issue 21: one customer across channels
    app.include_router(reach.router)  # issue 21: the follow-up's channel, WhatsApp's window
    return app


# The engine (handoff/engine/) follows every conversation and opens the escalations.
app = create_app(engine=True)
