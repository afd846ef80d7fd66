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


def _printable(text: object) -> str:
    """A string that encodes as UTF-8: a lone surrogate ("\\ud800" in a JSON body) becomes "?"
    instead of failing the response with a 500."""
    return str(text).encode("utf-8", "replace").decode("utf-8")


async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    """422 with one readable sentence instead of pydantic's list of error objects. The errors
    carry where and why, never the input itself: that is the client's own (up to the whole body)
    and may not even encode."""
    assert isinstance(error, RequestValidationError)
    problems = []
    errors = []
    for item in error.errors():
        loc = [part if isinstance(part, int) else _printable(part) for part in item.get("loc", ())]
        errors.append({"type": _printable(item.get("type")), "loc": loc, "msg": _printable(item.get("msg"))})
        if item.get("type") == "json_invalid":
            reason = _printable((item.get("ctx") or {}).get("error", ""))
            problems.append(f"the body is not valid JSON ({reason})" if reason else "the body is not valid JSON")
            continue
        where = ".".join(str(part) for part in loc if part != "body") or "request"
        problems.append(f"{where}: {errors[-1]['msg']}")
    return JSONResponse({"detail": "; ".join(problems), "errors": errors}, status_code=422)


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    store = "the database" if isinstance(error, SQLAlchemyError) else "Redis"
    logger.error("%s %s failed: %s: %s", request.method, request.url.path, store, error)
    return JSONResponse({"detail": f"{store} is not answering ({type(error).__name__}); nothing was changed, "
                                   "try again in a moment"}, status_code=503)
