"""Issue 19, finding 4: Rasa's API secret (RASA_TOKEN) appears in no log line and no process
listing, and the handoff service still drives Rasa with it.

Against the real stack: a customer talks over REST and asks for a person (the engine pauses Rasa),
an agent claims and writes (appended to Rasa's tracker), and hands back (resumed). Then every
process's log and the command line of every process in each process group are searched for the
secret. Before the fix Rasa ran with `--auth-token <secret>` and the handoff service's httpx logged
every call's URL with `?token=<secret>` at INFO."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from handoff.clients.rasa import quiet_http_logs
from handoff.settings import HandoffSettings
from tests.conftest import Stack
from tests.e2e.test_handoff import Agent, eventually


def process_group_members(pgid: int) -> list[int]:
    """Every live pid in process group `pgid` (the stack starts each Procfile line in its own)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited meanwhile
            continue
        # The fields after the command's closing parenthesis: state, ppid, pgrp, ...
        if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
            members.append(int(entry.name))
    return members


def command_lines(stack: Stack) -> dict[int, str]:
    lines = {}
    for proc in stack.procs.values():
        for pid in process_group_members(proc.pid):
            try:
                lines[pid] = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
    return lines


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60, trust_env=False) as client:
        yield client


async def streamed(stack: Stack, sender: str) -> list[dict[str, Any]]:
    """The conversation's events as Rasa applied them (its broker's stream): proof the handoff
    service's calls reached Rasa, without the test calling Rasa's API itself."""
    redis = Redis.from_url(stack.redis_url)
    try:
        entries = await redis.xrange(stack.settings.event_stream, "-", "+")
    finally:
        await redis.aclose()
    return [json.loads(fields[b"event"]) for _id, fields in entries
            if fields.get(b"sender_id", b"").decode() == sender]


def said(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event.get("event") == kind]


async def test_the_rasa_secret_is_in_no_log_and_no_command_line(stack: Stack, http: httpx.AsyncClient) -> None:
    secret = stack.settings.token()
    sender = f"sec-token-{uuid.uuid4().hex[:8]}"
    sam = Agent(stack, http, "sam")
    await sam.login()
    await sam.presence("online")

    async def rest(text: str) -> list[dict[str, Any]]:
        response = await http.post(f"{stack.url('rasa')}/webhooks/rest/webhook",
                                   json={"sender": sender, "message": text}, headers=stack.rasa_headers())
        response.raise_for_status()
        return response.json()

    assert await rest("hi")
    await rest("I want to speak to a human please")

    async def escalated() -> dict[str, Any] | None:
        cards = await sam.call("GET", "/escalations")
        return next((card for card in cards if card["sender_id"] == sender), None)

    card = await eventually(escalated, "the escalation")

    async def paused() -> bool:
        return bool(said(await streamed(stack, sender), "pause"))

    await eventually(paused, "the handoff service to pause Rasa")
    await sam.call("POST", f"/escalations/{card['id']}/claim")
    await sam.call("POST", f"/escalations/{card['id']}/messages", json={"text": "Hi, Sam here; looking now."})

    async def agent_spoke() -> bool:
        return any(e.get("text") == "Hi, Sam here; looking now." for e in said(await streamed(stack, sender), "bot"))

    await eventually(agent_spoke, "Sam's message in Rasa's tracker")
    await sam.call("POST", f"/escalations/{card['id']}/handback", json={"outcome": "resolved"})

    async def resumed() -> bool:
        return bool(said(await streamed(stack, sender), "resume"))

    await eventually(resumed, "the handoff service to resume Rasa")

    logs = sorted(stack.logs.glob("*.log"))
    assert {"rasa.log", "handoff.log"} <= {log.name for log in logs}
    lines = command_lines(stack)
    assert any("bot.serve" in line for line in lines.values()), lines  # Rasa's process was seen
    leaks = [f"log {log.name}" for log in logs if secret in log.read_text(errors="replace")]
    leaks += [f"command line of {pid}: {line[:70]}" for pid, line in lines.items() if secret in line]
    assert not leaks, f"Rasa's secret leaks in: {leaks}"


async def test_the_secret_in_a_url_is_refused(stack: Stack, http: httpx.AsyncClient) -> None:
    """Only the signed header works, so no caller is tempted to put the secret in a URL."""
    url = f"{stack.url('rasa')}/conversations/sec-token-url/tracker"
    assert (await http.get(url, params={"token": stack.settings.token()})).status_code == 401
    assert (await http.get(url, headers=stack.rasa_headers())).status_code == 200


def test_whatever_httpx_still_logs_has_its_secrets_redacted() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    quiet_http_logs()
    logger = logging.getLogger("httpx")
    keep = Keep()
    logger.addHandler(keep)
    try:
        logger.info("HTTP Request: GET http://rasa/status?token=s3cret")  # below warnings: dropped
        logger.warning('HTTP Request: GET %s "HTTP/1.1 500"', "http://rasa/c/x/tracker?a=1&token=s3cret&b=2")
    finally:
        logger.removeHandler(keep)
    assert records == ['HTTP Request: GET http://rasa/c/x/tracker?a=1&token=***&b=2 "HTTP/1.1 500"']


def test_the_handoff_service_reads_the_secret_from_a_file_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rasa_token").write_text("from-the-file\n")
    monkeypatch.setenv("RASA_TOKEN", "from-the-environment")
    monkeypatch.setenv("RASA_TOKEN_FILE", str(tmp_path / "rasa_token"))
    settings = HandoffSettings()
    assert settings.rasa_token == "from-the-file" and "from-the-file" not in repr(settings)
