"""Fuzz the running services and count what broke: `python -m bench.fuzz`.

The handoff and knowledge HTTP APIs are fuzzed from their own OpenAPI schemas with schemathesis
(valid and invalid requests, every operation; docs/decisions/0135-schemathesis-for-fuzzing.md);
Rasa's REST channel and its socket.io channel get malformed and oversized bodies: invalid JSON,
non-UTF-8 bytes, wrong types, huge strings, deep nesting, missing or 10,000-character senders,
then random JSON documents. A request answered 5xx, or a connection dropped, counts as a server
error; afterwards every process's log is searched for tracebacks and ERROR lines written during
the run. The goal is zero of both (issue 19, "Faults, measured"; figures in docs/reliability.md).

The processes are started here from stack/Procfile on free loopback ports, as the test fixtures
start them (tests/conftest.py). tests/security/test_fuzz.py runs a bounded version of this.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import requests
import schemathesis
import socketio
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.reporting import with_reporter
from schemathesis import GenerationMode

# One line of a log that says something went wrong unhandled: a traceback, or an ERROR record
# (uvicorn's "Exception in ASGI application", Sanic's "Exception occurred while handling uri",
# engine.io's "async handler error" and structlog's `.exception` all write one of these).
PROBLEM = re.compile(r"Traceback \(most recent call last\)|\bERROR\b|\[error\s*\]|Exception in ASGI|"
                     r"Exception occurred|handler error")
KEEP_EXAMPLES = 5  # failing requests kept per API for the report
OVERSIZED = 20_000  # characters: the message that was once stored whole (issue 19, finding 9)


@dataclass
class ApiResult:
    """What one API got and how it answered."""

    api: str
    requests: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def record(self, status: int | None, what: str) -> None:
        """`status` None: the connection failed (reset, timed out): a server error too."""
        self.requests += 1
        key = status if status is not None else 0
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if status is None or status >= 500:
            self.server_errors += 1
            if len(self.examples) < KEEP_EXAMPLES:
                self.examples.append(f"{status or 'no answer'}: {what[:300]}")


# --- the OpenAPI services: handoff and knowledge ---

def fuzz_openapi(api: str, base_url: str, *, examples: int, headers: dict[str, str] | None = None,
                 skip: frozenset[str] = frozenset(), timeout: float = 30.0) -> ApiResult:
    """Every operation of the service's /openapi.json, `examples` valid and `examples` invalid
    requests each (fewer when the schema allows fewer distinct ones); `skip`: "METHOD /path" left out."""
    result = ApiResult(api)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    session = requests.Session()
    for found in schema.get_all_operations():
        operation = found.ok()
        if f"{operation.method.upper()} {operation.path}" in skip:
            continue
        takes_input = any(True for _ in operation.iter_parameters()) or len(operation.body) > 0
        for mode in (GenerationMode.POSITIVE, *((GenerationMode.NEGATIVE,) if takes_input else ())):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def one(case: schemathesis.Case) -> None:
                try:
                    response = case.call(base_url=base_url, session=session, headers=headers, timeout=timeout)
                    status: int | None = response.status_code
                except requests.RequestException:
                    status = None
                result.record(status, f"{case.method} {case.formatted_path} {_case_summary(case)}")

            # Unsatisfiable: nothing in this operation can be made invalid (Hypothesis would print
            # a seed "to reproduce the failure" for it: there is none, so its reports are dropped).
            with contextlib.suppress(Unsatisfiable), with_reporter(lambda _message: None):
                one()
    return result


def _case_summary(case: schemathesis.Case) -> str:
    parts = [f"{name}={value!r}" for name, value in (("query", case.query), ("body", case.body))
             if isinstance(value, (dict, list, str, int, float, bool))]
    return " ".join(parts)[:400]


def handoff_token(base_url: str, username: str, password: str) -> dict[str, str]:
    """An admin's Authorization header, so the fuzz reaches past the login check."""
    response = httpx.post(f"{base_url}/auth/login", json={"username": username, "password": password}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# --- Rasa's REST channel ---

def malformed_rest_bodies() -> Iterator[tuple[str, bytes, str]]:
    """(what, body, content type) for the REST webhook: each broken in one way."""
    # Written out: Python's own encoder would give up on these depths before the server could.
    deep_metadata = '{"sender": "fuzz-nest", "message": "hi", "metadata": ' + '{"a": ' * 5_000 + "1" + "}" * 5_001
    deep_arrays = '{"sender": "fuzz-deep", "message": "hi", "metadata": ' + "[" * 100_000 + "]" * 100_000 + "}"
    cases: list[tuple[str, Any]] = [
        ("empty body", b""),
        ("invalid JSON", b"{not json"),
        ("truncated JSON", b'{"sender": "fuzz", "message": "hel'),
        ("non-UTF-8 bytes", b'{"sender": "fuzz-\xff\xfe", "message": "\xc3\x28"}'),
        ("JSON null", b"null"),
        ("JSON list", b'[{"sender": "fuzz", "message": "hi"}]'),
        ("JSON string", b'"hello"'),
        ("JSON number", b"42"),
        ("missing sender", {"message": "hello"}),
        ("missing message", {"sender": "fuzz-no-message"}),
        ("empty sender", {"sender": "", "message": "hello"}),
        ("null sender", {"sender": None, "message": "hello"}),
        ("sender is a number", {"sender": 12345, "message": "hello"}),
        ("sender is an object", {"sender": {"id": "x"}, "message": "hello"}),
        ("sender is a list", {"sender": ["x"], "message": "hello"}),
        ("message is a number", {"sender": "fuzz-int", "message": 42}),
        ("message is an object", {"sender": "fuzz-obj", "message": {"text": "hi"}}),
        ("message is a list", {"sender": "fuzz-list", "message": ["hi"]}),
        ("message is null", {"sender": "fuzz-null", "message": None}),
        ("message is true", {"sender": "fuzz-bool", "message": True}),
        ("metadata is a string", {"sender": "fuzz-meta", "message": "hi", "metadata": "{not json"}),
        ("metadata is a list", {"sender": "fuzz-meta", "message": "hi", "metadata": [1, 2]}),
        ("input_channel is an object", {"sender": "fuzz-ch", "message": "hi", "input_channel": {"x": 1}}),
        ("10,000-character sender", {"sender": "s" * 10_000, "message": "hello"}),
        ("sender with colons and braces", {"sender": "x:transcript{a}", "message": "hello"}),
        ("non-ASCII sender", {"sender": "клиент-客户-\u202e-🙂", "message": "hello"}),
        (f"{OVERSIZED:,}-character message", {"sender": "fuzz-huge", "message": "a" * OVERSIZED}),
        ("2,000,000-character message", {"sender": "fuzz-huger", "message": "b " * 1_000_000}),
        ("message of control characters", {"sender": "fuzz-ctl", "message": "\x00\x01\x1b[31m\u200b\ufeff"}),
        ("lone surrogate", b'{"sender": "fuzz-sur", "message": "\\ud800"}'),
        ("5,000 nested objects", deep_metadata.encode()),
        ("100,000 nested arrays", deep_arrays.encode()),
        ("a slash command with a huge entity",
         {"sender": "fuzz-cmd", "message": "/greet" + json.dumps({"x": "y" * 5000})}),
    ]
    for what, body in cases:
        if isinstance(body, bytes):
            yield what, body, "application/json"
        else:
            yield what, json.dumps(body).encode(), "application/json"
    yield "form-encoded body", b"sender=fuzz&message=hi", "application/x-www-form-urlencoded"
    yield "JSON as text/plain", json.dumps({"sender": "fuzz-plain", "message": "hi"}).encode(), "text/plain"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
REST_BODIES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({}, optional={"sender": JSON_VALUES, "message": JSON_VALUES,
                                        "metadata": JSON_VALUES, "input_channel": JSON_VALUES}),
    st.fixed_dictionaries({"sender": st.text(min_size=1, max_size=300), "message": st.text(max_size=3_000)}),
)


def fuzz_rasa_rest(rasa_url: str, *, examples: int, headers: Callable[[], dict[str, str]] = dict,
                   timeout: float = 60.0) -> ApiResult:
    """`headers`: made afresh for each request (Rasa's API JWT, short-lived, which a REST channel
    closed to strangers asks for; Rasa's own channel ignores it)."""
    result = ApiResult("rasa REST channel")
    url = f"{rasa_url}/webhooks/rest/webhook"
    with httpx.Client(timeout=timeout) as client:
        for what, body, content_type in malformed_rest_bodies():
            result.record(_post(client, url, body, content_type, headers()), what)

        @given(body=REST_BODIES)
        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def random_json(body: Any) -> None:
            result.record(_post(client, url, json.dumps(body).encode(), "application/json", headers()), f"{body!r}")

        random_json()
    return result


def _post(client: httpx.Client, url: str, body: bytes, content_type: str, headers: dict[str, str]) -> int | None:
    try:
        return client.post(url, content=body, headers={**headers, "Content-Type": content_type}).status_code
    except httpx.HTTPError:
        return None


# --- Rasa's socket.io channel (the widget's) ---

def socketio_payloads() -> list[tuple[str, str, Any]]:
    """(what, event, data): malformed session requests and user messages."""
    huge = "c" * OVERSIZED
    return [
        ("session_request without data", "session_request", None),
        ("session_request with a string", "session_request", "not-a-dict"),
        ("session_request with a number", "session_request", 7),
        ("session_request with a list", "session_request", ["a"]),
        ("session_request with an object id", "session_request", {"session_id": {"x": 1}}),
        ("session_request with a 10,000-character id", "session_request", {"session_id": "s" * 10_000}),
        ("user_uttered without data", "user_uttered", None),
        ("user_uttered with a string", "user_uttered", "hello"),
        ("user_uttered with a number", "user_uttered", 3),
        ("user_uttered with a list", "user_uttered", [{"message": "hi"}]),
        ("user_uttered without a session", "user_uttered", {"message": "hi"}),
        ("user_uttered with a number as message", "user_uttered", {"message": 5, "session_id": "fuzz-sio-1"}),
        ("user_uttered with an object as message", "user_uttered", {"message": {"a": 1}, "session_id": "fuzz-sio-2"}),
        ("user_uttered with a list as session", "user_uttered", {"message": "hi", "session_id": ["x"]}),
        ("user_uttered with metadata not JSON", "user_uttered",
         {"message": "hi", "session_id": "fuzz-sio-3", "metadata": "{not json"}),
        ("user_uttered with metadata a JSON list", "user_uttered",
         {"message": "hi", "session_id": "fuzz-sio-4", "metadata": "[1, 2]"}),
        ("user_uttered with metadata a number", "user_uttered",
         {"message": "hi", "session_id": "fuzz-sio-5", "metadata": 9}),
        (f"user_uttered of {OVERSIZED:,} characters", "user_uttered", {"message": huge, "session_id": "fuzz-sio-6"}),
        ("user_uttered with a 10,000-character session", "user_uttered", {"message": "hi", "session_id": "s" * 10_000}),
        ("user_uttered with control characters", "user_uttered",
         {"message": "\x00\x1b[2J\u202e", "session_id": "fuzz-sio-7"}),
    ]


def fuzz_rasa_socketio(rasa_url: str, settle_seconds: float = 3.0) -> ApiResult:
    """Socket.io has no status codes: each event counts as tried; a dropped connection counts as a
    server error; what the handlers raised shows in Rasa's log."""
    return asyncio.run(_socketio(rasa_url, settle_seconds))


async def _socketio(rasa_url: str, settle_seconds: float) -> ApiResult:
    result = ApiResult("rasa socket.io channel")
    for what, event, data in socketio_payloads():
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(rasa_url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=20)
            await client.emit(event, data)
            await asyncio.sleep(0.2)
            result.record(200 if client.connected else None, what)
        except (socketio.exceptions.SocketIOError, OSError) as error:
            result.record(None, f"{what}: {error}")
        finally:
            await client.disconnect()
    await asyncio.sleep(settle_seconds)  # let Rasa finish (or fail) the last messages
    return result


# --- the logs ---

@dataclass
class LogMarks:
    """Where each process's log ended before the run, so only lines the run caused are read."""

    offsets: dict[Path, int]

    @classmethod
    def now(cls, logs: Iterable[Path]) -> LogMarks:
        return cls({log: log.stat().st_size if log.exists() else 0 for log in logs})

    def problems(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for log, offset in self.offsets.items():
            with open(log, "rb") as handle:
                handle.seek(offset)
                text = handle.read().decode(errors="replace")
            lines = [line for line in text.splitlines() if PROBLEM.search(line)]
            if lines:
                found[log.stem] = lines
        return found


# --- the run ---

@contextmanager
def own_stack(with_rasa: bool, timeout: float = 300) -> Iterator[Any]:
    """Redis, knowledge, handoff (and actions and Rasa) in a throw-away var dir."""
    from tests.conftest import Stack, make_settings, trained_model

    var_dir = Path(tempfile.mkdtemp(prefix="baton-fuzz-"))
    settings = make_settings(var_dir)
    stack = Stack(settings, trained_model() if with_rasa else Path("unused"))
    try:
        for name in ("redis", "knowledge", "handoff", *(("actions", "rasa") if with_rasa else ())):
            stack.start(name, timeout=timeout)
        yield stack
    finally:
        stack.stop_all()
        shutil.rmtree(var_dir, ignore_errors=True)


@dataclass
class FuzzReport:
    results: list[ApiResult]
    problems: dict[str, list[str]]
    seconds: float

    @property
    def clean(self) -> bool:
        return not self.problems and all(r.server_errors == 0 for r in self.results)


def fuzz_stack(stack: Any, *, examples: int, rasa_examples: int, with_rasa: bool) -> FuzzReport:
    """Fuzz a running Stack (tests/conftest.py) and read its logs afterwards."""
    started = time.monotonic()
    marks = LogMarks.now(sorted(stack.logs.glob("*.log")))
    handoff = stack.url("handoff")
    admin = handoff_token(handoff, "admin", stack.settings.demo_password)
    results = [
        fuzz_openapi("handoff", handoff, examples=examples, headers=admin),
        fuzz_openapi("knowledge", stack.url("knowledge"), examples=examples,
                     headers={"Authorization": f"Bearer {stack.env['KNOWLEDGE_TOKEN']}"}),
    ]
    if with_rasa:
        results.append(fuzz_rasa_rest(stack.url("rasa"), examples=rasa_examples, headers=stack.rasa_headers))
        results.append(fuzz_rasa_socketio(stack.url("rasa")))
    time.sleep(1.0)  # the last requests' log lines
    return FuzzReport(results, marks.problems(), time.monotonic() - started)


def print_report(report: FuzzReport, command: str) -> None:
    print(f"command: {command}")
    print(f"{'API':<26}{'requests':>10}{'5xx':>6}  statuses")
    for result in report.results:
        statuses = ", ".join(f"{code or 'none'}: {n}" for code, n in sorted(result.statuses.items()))
        print(f"{result.api:<26}{result.requests:>10}{result.server_errors:>6}  {statuses}")
        for example in result.examples:
            print(f"    {example}")
    total = sum(len(lines) for lines in report.problems.values())
    print(f"unhandled exceptions and ERROR lines in the logs: {total}")
    for process, lines in report.problems.items():
        for line in lines[:KEEP_EXAMPLES]:
            print(f"    {process}: {line[:300]}")
    print(f"took {report.seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100,
                        help="valid and invalid requests per operation of the OpenAPI services (each)")
    parser.add_argument("--rasa-examples", type=int, default=300, help="random JSON bodies for Rasa's REST channel")
    parser.add_argument("--no-rasa", action="store_true", help="only the handoff and knowledge services")
    args = parser.parse_args(argv)
    with own_stack(with_rasa=not args.no_rasa) as stack:
        report = fuzz_stack(stack, examples=args.examples, rasa_examples=args.rasa_examples,
                            with_rasa=not args.no_rasa)
    print_report(report, "python -m bench.fuzz " + " ".join(argv if argv is not None else sys.argv[1:]))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
