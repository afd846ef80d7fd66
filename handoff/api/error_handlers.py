"""Every error as {"detail": "..."}: our own (with their status), invalid requests (422, one
readable sentence), and a database or Redis that does not answer (503, try again), never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from handoff.errors import HandoffError

logger = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HandoffError, _handoff_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SQLAlchemyError, _unavailable)
    app.add_exception_handler(RedisError, _unavailable)


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


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    store = "the database" if isinstance(error, SQLAlchemyError) else "Redis"
    logger.error("%s %s failed: %s: %s", request.method, request.url.path, store, error)
    return JSONResponse({"detail": f"{store} is not answering ({type(error).__name__}); nothing was changed, "
                                   "try again in a moment"}, status_code=503)
