"""Patches of Rasa's internals, for Rasa 3.6.21 only: two make the same checks faster, one changes
behaviour (the lock poll). `install()` refuses any other Rasa version, because each patch replaces
a private function or a default whose shape may differ there. bot/serve.py installs them before it
starts Rasa's command line (stack/Procfile's `rasa` line).

Rasa 3.6 checks the action server's answer to every custom action with `jsonschema.validate`,
which first validates the (constant) response schema against the JSON Schema meta-schema. With
jsonschema 4.17 that meta-check costs far more than checking the answer itself: under load it was
about 40 % of the Rasa process's CPU (py-spy, bench/load, docs/benchmarks.md "Load").

`install()` replaces RemoteAction._validate_action_result with the same check against a validator
built once: the same answers pass, the same errors are raised with the same message.

The HTTP API's `POST /conversations/{id}/tracker/events`, which the handoff service calls for
every hand-over and every agent's message, validates its body the same way
(`rasa.server.validate_events_in_request_body`): 7 % of Rasa's CPU at 10 conversations flat out
(py-spy, 2026-12-03). It is replaced likewise.

Rasa's ticket lock, held per conversation while a message is processed, is polled once a second
by whoever waits for it (`LockStore.lock(wait_time_in_seconds=1)`). The handoff service posts to
a conversation (the pause of a hand-over, an agent's message) while Rasa may still be answering
the customer, and the customer's next message may arrive while the handoff service writes: each
such collision cost a whole second (hand-overs of 1.1 s where 0.13 s was usual, bench/load).
`install()` makes the default poll 20 ms; a poll is one Redis GET. This one changes what Rasa
does: a waiting message takes the lock within 20 ms of its release instead of within a second.

When Redis is down, Rasa 3.6 saves the conversation into an in-memory store instead
(`FailSafeTrackerStore.save`), and its REST channel answers 200 even when handling the message
failed: the customer is told the message arrived, and it is gone once Redis is back (3 such
messages when Redis was killed under load, bench/faults.py, docs/reliability.md). `install()`
makes a failed save an error, and the REST channel answer 503 when handling failed, so the
customer (or the widget, whose socket.io call then gets no acknowledgement) sends it again.

The HTTP API's conversation routes (`/conversations/<conversation_id:path>/...`) hand the id to
their handlers as it stands in the URL, percent-escapes and all: the handoff service, which must
escape an id of any characters to put it in a path ("50% off?#top", ".", "a/b"), paused and wrote
to a tracker of another name, and a dot segment (".", "..") left the path altogether (Rasa
answered 404; tests/security/test_fuzz.py found it). `install()` makes Sanic's router unquote the
`conversation_id` it matched, so the escaped id is the customer's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import rasa.server
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.lock_store import LOCK_LIFETIME, LockStore
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.version import __version__ as RASA_FOUND
from sanic import Blueprint, response
from sanic.request import Request
from sanic.router import Router

RASA_VERSION = "3.6.21"  # the version whose source these patches were written against
_INSTALLED = "_baton_cached_validator"


class UnsupportedRasaVersion(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, not per action call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


@lru_cache(maxsize=1)
def _events_validator() -> Any:
    cls = validators.validator_for(rasa.server.EVENTS_SCHEMA)
    cls.check_schema(rasa.server.EVENTS_SCHEMA)
    return cls(rasa.server.EVENTS_SCHEMA)


def validate_events_in_request_body(request: Any) -> None:
    """rasa.server's check of a request's events (one event or a list), its error unchanged."""
    events = request.json if isinstance(request.json, list) else [request.json]
    error = exceptions.best_match(_events_validator().iter_errors(events))
    if error is not None:
        raise rasa.server.ErrorResponse(
            HTTPStatus.BAD_REQUEST,
            "BadRequest",
            f"Failed to validate the events format. "
            f"For more information about the format visit the docs. Error: {error}",
            help_url=rasa.server._docs("/pages/http-api"),
        ) from error


LOCK_POLL_SECONDS = 0.02
_original_lock = LockStore.lock


def _lock(self: LockStore, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
          wait_time_in_seconds: float = LOCK_POLL_SECONDS) -> Any:
    return _original_lock(self, conversation_id, lock_lifetime, wait_time_in_seconds)


async def _save_or_raise(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    """Rasa's FailSafeTrackerStore.save without its fall-back to memory: the error goes up."""
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:
        self.on_tracker_store_error(error)
        raise


# Set while a REST request is handled when handling its message raised (Rasa's handler swallows it).
_rest_message_failed: ContextVar[bool] = ContextVar("baton_rest_message_failed", default=False)
_original_rest_blueprint = RestInput.blueprint


def _rest_blueprint(self: RestInput, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
    async def handle(message: UserMessage) -> Any:
        try:
            return await on_new_message(message)
        except BaseException:
            _rest_message_failed.set(True)
            raise

    blueprint = _original_rest_blueprint(self, handle)

    # Request middleware, handler and response middleware run in one task: the flag set in the
    # handler is seen here.
    @blueprint.on_request
    async def clear(request: Request) -> None:
        _rest_message_failed.set(False)

    @blueprint.on_response
    async def refuse_unsaved(request: Request, answer: Any) -> Any:
        if _rest_message_failed.get():
            return response.json({"error": "the message could not be handled; send it again"},
                                 status=HTTPStatus.SERVICE_UNAVAILABLE)
        return None

    return blueprint


_original_router_get = Router.get
_CONVERSATION_ID = "conversation_id"


def _get_route(self: Router, path: str, method: str, host: str | None) -> Any:
    route, handler, params = _original_router_get(self, path, method, host)
    if _CONVERSATION_ID in params:
        # Sanic's `unquote=True` skips regex parameters such as `:path`; and its lookup is
        # memoised, so the parameters are copied, never unquoted in place.
        params = {**params, _CONVERSATION_ID: unquote(params[_CONVERSATION_ID])}
    return route, handler, params


def install(found: str = RASA_FOUND) -> None:
    """Idempotent. Raises UnsupportedRasaVersion, patching nothing, unless `found` (the installed
    Rasa's version) is the one the patches were written for."""
    if found != RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"bot/rasa_patches.py patches Rasa {RASA_VERSION}'s internals and found Rasa {found}: "
            f"check each patch against Rasa {found}'s source, then update RASA_VERSION"
        )
    if not getattr(RemoteAction, _INSTALLED, False):
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
        setattr(RemoteAction, _INSTALLED, True)
    # The HTTP API's handlers look the function up in rasa.server's globals at each call.
    rasa.server.validate_events_in_request_body = validate_events_in_request_body
    LockStore.lock = _lock  # type: ignore[method-assign]
    FailSafeTrackerStore.save = _save_or_raise  # type: ignore[method-assign]
    RestInput.blueprint = _rest_blueprint  # type: ignore[method-assign]
    Router.get = _get_route  # type: ignore[method-assign]


def installed() -> bool:
    return (RemoteAction._validate_action_result is _validate_action_result
            and rasa.server.validate_events_in_request_body is validate_events_in_request_body
            and LockStore.lock is _lock and FailSafeTrackerStore.save is _save_or_raise
            and RestInput.blueprint is _rest_blueprint)
