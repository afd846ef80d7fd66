"""The handoff service's ASGI app: `uvicorn handoff.main:app` (or `handoff.main:create_app`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from handoff.api.routes import agents, auth, escalations, health, knowledge, pages, widget, ws
from handoff.engine.wiring import engine_hook
from handoff.errors import HandoffError
from handoff.services import EngineFactory, Services
from handoff.settings import HandoffSettings, get_settings

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


def create_app(settings: HandoffSettings | None = None, engine_factory: EngineFactory | None = None) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = await Services.start(settings or get_settings(), engine_factory)
        try:
            yield
        finally:
            await app.state.services.stop()

    app = FastAPI(title="Baton handoff service", lifespan=lifespan)
    app.add_exception_handler(HandoffError, _handoff_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    for module in (health, auth, agents, escalations, knowledge, ws, pages, widget):  # pages, widget: web
        app.include_router(module.router)
    return app


async def _handoff_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HandoffError)
    return JSONResponse({"detail": error.detail}, status_code=error.status_code)


async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    """422 with one readable sentence instead of pydantic's list of error objects."""
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        if item.get("type") == "json_invalid":
            reason = (item.get("ctx") or {}).get("error", "")
            problems.append(f"the body is not valid JSON ({reason})" if reason else "the body is not valid JSON")
            continue
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "request"
        problems.append(f"{where}: {item.get('msg')}")
    return JSONResponse({"detail": "; ".join(problems), "errors": error.errors()}, status_code=422)


# The engine (handoff/engine/) follows every conversation and opens the escalations.
app = create_app(engine_factory=engine_hook)
