"""Fault benchmark: the whole system under load, each process killed in turn with SIGKILL while
supervisord (stack/supervisor.py, as under ./baton run) starts it again. It prints, per process
killed and in total:

- customer messages lost: messages Rasa acknowledged (HTTP 200 on its REST channel) that are not
  in the conversation's tracker afterwards. A message refused while something is down is not
  lost (the customer was told it failed); the customer sends it again, as a widget would, and
  those refusals are counted apart;
- hand-overs lost or duplicated: conversations in which the bot promised a person (the
  `unresolved_reason` slot is in the tracker) that got no escalation, or more than one;
- agent replies lost: agents' messages the handoff service accepted (201) that are not in the
  customer's conversation afterwards;
- seconds until whole again: from the kill until every process answers its readiness check and
  the handoff service's /health says "ok" (no dependency down).

The customers play bench/load's scenarios (questions, order checks, returns, hand-overs) on
Rasa's REST channel, N conversations at once; the demo agents poll the queue, claim, reply with a
unique reference and resolve.

With --replicas N the stack runs as `./baton run --replicas N` (every process but Redis N times
behind HAProxy), the kills name replicas (default: rasa-1, then handoff-1), and --widgets of the
customers are chat widgets on socket.io through HAProxy (bench/fault_widgets.py): those on a killed
Rasa replica reconnect to another, and the seconds until their session is confirmed again are
counted; their acknowledged messages are checked like the others. Under supervisord the whole stack
is one session, which Linux's autogroup scheduling gives the CPU share of a single process on a
machine shared with other work: start-up is then slow, and the figures are not for comparing.

Usage: .venvs/svc/bin/python -m bench.faults [--conversations 10] [--kill rasa,actions,knowledge,handoff,redis]
       [--replicas N] [--widgets N] [--before 20] [--settle 15] [--json FILE] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.fault_widgets import Widgets
from bench.load.customers import button_payload
from bench.load.scenarios import DEFAULT_MIX, Scenarios, deck
from contract.bot_handoff import UNRESOLVED_REASON_SLOT
from defaults import MAX_REPLICAS
from stack import haproxy, health
from stack.replicas import REPLICATED, Topology, process_of
from stack.settings import StackSettings
from stack.supervisor import Supervisor

logger = logging.getLogger("bench.faults")
PROCESSES = ("redis", "actions", "knowledge", "handoff", "rasa")
KILL_ORDER = ("rasa", "actions", "knowledge", "handoff", "redis")
REPLICA_KILL_ORDER = ("rasa-1", "handoff-1")
AGENTS = ("admin", "maya", "sam")
SEND_ATTEMPTS = 180  # a customer tries a refused message again once a second, for 3 minutes at most
TURN_TIMEOUT = 60.0
LISTING_LIMIT = 100  # GET /escalations answers a page of 100 (handoff/escalations/queue_views.py)


@dataclass
class Figures:
    """What happened, filled in by the customers, the agents and the fault schedule."""

    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (sender, text) Rasa answered 200
    # (sender, text) -> the process that was down when it was acknowledged ("" none), and the replies
    acknowledged_while: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    refused: Counter[str] = field(default_factory=Counter)  # why a send failed, by kind
    given_up: int = 0  # turns refused SEND_ATTEMPTS times
    senders: set[str] = field(default_factory=set)
    agent_replies: list[tuple[str, str]] = field(default_factory=list)  # (sender, reference) accepted
    agent_errors: Counter[str] = field(default_factory=Counter)
    whole_after: dict[str, float] = field(default_factory=dict)  # process -> seconds
    refused_during: dict[str, int] = field(default_factory=dict)  # process -> sends refused while down
    # handoff replica killed -> (its pending stream entries then, seconds until none was pending)
    pending_handled: dict[str, tuple[int, float]] = field(default_factory=dict)


# --- the system, under supervisord ------------------------------------------------------------


@contextmanager
def supervised_stack(names: tuple[str, ...] = PROCESSES, *, agent_capacity: int = 10, keep: bool = False,
                     timeout: float = 300, replicas: int = 1,
                     env: dict[str, str] | None = None) -> Iterator[tuple[StackSettings, Supervisor]]:
    """`names` (Procfile processes) under supervisord in a throw-away var dir, on free loopback
    ports, each answering its readiness check; stopped and removed afterwards. With `replicas`,
    every process but Redis that many times behind HAProxy (stack/replicas.py); the
    supervisor's `names` are then the programs (rasa-1, ..., haproxy)."""
    from tests.conftest import free_port_block, make_settings, trained_model

    var_dir = Path(tempfile.mkdtemp(prefix="baton-faults-"))
    settings = make_settings(var_dir)
    if replicas > 1:
        settings = dataclasses.replace(settings, replicas=replicas,
                                       replica_port_base=free_port_block(len(REPLICATED) * MAX_REPLICAS))
    settings.extra_env["HANDOFF_AGENT_CAPACITY"] = str(agent_capacity)
    settings.extra_env.update(env or {})
    topology = Topology.of(settings)
    programs = topology.programs(list(names))
    commands = topology.commands(str(haproxy.write_config(settings, topology))) if topology.balanced else None
    model = trained_model() if "rasa" in names else Path("unused")
    supervisor = Supervisor(var_dir, programs, {**os.environ, **settings.process_env(model)},
                            commands=commands, output=subprocess.DEVNULL)
    supervisor.start()
    try:
        if not supervisor.wait_for_socket():
            raise RuntimeError(f"supervisord did not start: {supervisor.log_tail('supervisord')}")
        if whole_within(settings, programs, timeout) is None:
            tails = {name: supervisor.log_tail(name, 1500) for name in programs}
            raise RuntimeError(f"not whole within {timeout:.0f} s: {supervisor.states()} {tails}")
        yield settings, supervisor
    finally:
        supervisor.stop()
        if keep:
            print(f"logs and data kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def handoff_ok(settings: StackSettings) -> bool:
    try:
        body = httpx.get(f"{settings.url(settings.handoff_port)}/health", timeout=3).json()
    except (httpx.HTTPError, ValueError):
        return False
    return body.get("status") == "ok"


def whole(settings: StackSettings, names: list[str]) -> bool:
    """Every process (every replica) answers; with all five, the handoff service also sees every
    dependency."""
    if health.failing(settings, names, Topology.of(settings)):
        return False
    return handoff_ok(settings) if set(PROCESSES) <= {process_of(name) for name in names} else True


def whole_within(settings: StackSettings, names: list[str], timeout: float) -> float | None:
    """Seconds until `names` are whole (None if not within `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if whole(settings, names):
            return time.monotonic() - start
        time.sleep(0.25)
    return None


# --- customers ------------------------------------------------------------------------------


class Customers:
    """N customers on Rasa's REST channel, conversation after conversation until stopped."""

    def __init__(self, http: httpx.AsyncClient, settings: StackSettings, figures: Figures, seed: int = 7) -> None:
        self.http, self.figures = http, figures
        self.url, self.settings = f"{settings.url(settings.rasa_port)}/webhooks/rest/webhook", settings
        self.scenarios = Scenarios(seed)
        self.deck = deck(DEFAULT_MIX, seed)
        self.stop = asyncio.Event()
        self.down: str | None = None  # the process killed right now, for the refusal counts

    async def run(self, count: int) -> None:
        await asyncio.gather(*(self._one() for _ in range(count)))

    async def _one(self) -> None:
        while not self.stop.is_set():
            await self._conversation()

    async def _conversation(self) -> None:
        scenario = self.scenarios.build(next(self.deck))
        sender = f"fault-{uuid.uuid4().hex[:12]}"
        self.figures.senders.add(sender)
        replies: list[dict[str, Any]] = []
        for turn in scenario.turns:
            if self.stop.is_set():
                return
            text = turn.text
            if turn.press:
                payload = button_payload(replies, turn.press)
                if payload is None:
                    if turn.optional:
                        continue
                    return  # the bot said something else (a fault's apology): a new conversation
                text = payload
            answered = await self._send(sender, text)
            if answered is None:
                return
            replies = answered

    async def _send(self, sender: str, text: str) -> list[dict[str, Any]] | None:
        for _ in range(SEND_ATTEMPTS):
            down = self.down
            try:
                # The JWT of Rasa's API: a REST channel that requires it (issue 19) takes it.
                response = await self.http.post(self.url, json={"sender": sender, "message": text},
                                                headers=health.rasa_headers(self.settings), timeout=TURN_TIMEOUT)
            except httpx.HTTPError as error:
                self._refused(type(error).__name__, down)
            else:
                if response.status_code == 200:
                    replies = response.json()
                    self.figures.acknowledged.append((sender, text))
                    self.figures.acknowledged_while[(sender, text)] = (down or self.down or "", len(replies))
                    return replies
                self._refused(f"HTTP {response.status_code}", down)
            if self.stop.is_set():
                return None
            await asyncio.sleep(1)
        self.figures.given_up += 1
        return None

    def _refused(self, why: str, down: str | None) -> None:
        self.figures.refused[why] += 1
        if down:
            self.figures.refused_during[down] = self.figures.refused_during.get(down, 0) + 1


# --- agents ---------------------------------------------------------------------------------


class Agents:
    """The demo agents polling the queue: claim, reply with a unique reference, resolve. They
    carry on through the handoff service's restarts (log in again, poll again)."""

    def __init__(self, http: httpx.AsyncClient, handoff_url: str, password: str, figures: Figures) -> None:
        self.http, self.url, self.password, self.figures = http, handoff_url, password, figures
        self.stop = asyncio.Event()
        self.tokens: dict[str, str] = {}

    async def run(self) -> None:
        await asyncio.gather(*(self._work_as(name) for name in AGENTS))

    async def _call(self, name: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if name not in self.tokens:
            login = await self.http.post(f"{self.url}/auth/login", timeout=10,
                                         json={"username": name, "password": self.password})
            login.raise_for_status()
            self.tokens[name] = login.json()["access_token"]
            online = await self.http.put(f"{self.url}/agents/me/presence", json={"status": "online"}, timeout=10,
                                         headers={"Authorization": f"Bearer {self.tokens[name]}"})
            online.raise_for_status()
        response = await self.http.request(method, f"{self.url}{path}", timeout=30,
                                           headers={"Authorization": f"Bearer {self.tokens[name]}"}, **kwargs)
        if response.status_code == 401:
            self.tokens.pop(name, None)
        return response

    async def _work_as(self, name: str) -> None:
        while not self.stop.is_set():
            try:
                await self._round(name)
            except (httpx.HTTPError, ValueError, KeyError) as error:
                self.figures.agent_errors[type(error).__name__] += 1
            await asyncio.sleep(0.5)

    async def _round(self, name: str) -> None:
        queued = await self._call(name, "GET", "/escalations", params={"state": "queued"})
        queued.raise_for_status()
        for card in queued.json():
            claim = await self._call(name, "POST", f"/escalations/{card['id']}/claim")
            if claim.status_code != 200:
                continue  # another agent took it, or the service is restarting
            reference = uuid.uuid4().hex[:10]
            sent = await self._call(name, "POST", f"/escalations/{card['id']}/messages",
                                    json={"text": f"Hello, a person here (ref {reference})."})
            if sent.status_code == 201:
                self.figures.agent_replies.append((card["sender_id"], reference))
            else:
                self.figures.agent_errors[f"reply HTTP {sent.status_code}"] += 1
            resolved = await self._call(name, "POST", f"/escalations/{card['id']}/resolve",
                                        json={"outcome": "resolved", "handback": False})
            if resolved.status_code != 200:
                self.figures.agent_errors[f"resolve HTTP {resolved.status_code}"] += 1


# --- the faults -----------------------------------------------------------------------------


async def kill_in_turn(settings: StackSettings, supervisor: Supervisor, customers: Customers, figures: Figures,
                       order: list[str], before: float, settle: float) -> None:
    await asyncio.sleep(before)
    for name in order:
        pid = await asyncio.to_thread(supervisor.pid, name)
        customers.down = name
        consumer = f"{socket.gethostname()}-{name}"  # stack/replicas.py names each handoff replica's consumer
        print(f"kill -9 {name} (pid {pid})", flush=True)
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        if process_of(name) == "handoff" and name != "handoff":
            left = await asyncio.to_thread(pending_of, settings, consumer)
            seconds = await asyncio.to_thread(until_none_pending, settings, consumer)
            figures.pending_handled[name] = (left, seconds)
            print(f"  its {left} pending stream entries handled after {seconds:.1f} s", flush=True)
        while await asyncio.to_thread(supervisor.pid, name) in (0, pid) or not await asyncio.to_thread(
                whole, settings, supervisor.names):
            if time.monotonic() - killed > 300:
                raise RuntimeError(f"{name} was not whole again within 300 s: {supervisor.states()}")
            await asyncio.sleep(0.25)
        figures.whole_after[name] = time.monotonic() - killed
        customers.down = None
        print(f"  whole again after {figures.whole_after[name]:.1f} s", flush=True)
        await asyncio.sleep(settle)


def pending_of(settings: StackSettings, consumer: str) -> int:
    """Entries of baton:events delivered to `consumer` and not acknowledged."""
    client = redis.Redis.from_url(settings.effective_redis_url)
    try:
        return sum(1 for entry in client.xpending_range(settings.event_stream, "handoff", "-", "+", 10_000)
                   if entry["consumer"].decode() == consumer)
    finally:
        client.close()


def until_none_pending(settings: StackSettings, consumer: str, timeout: float = 120) -> float:
    """Seconds until `consumer` (a killed replica) has no pending entry: another replica claimed
    them after HANDOFF_CLAIM_IDLE_MS, or the restarted replica read them again."""
    start = time.monotonic()
    while time.monotonic() - start < timeout and pending_of(settings, consumer):
        time.sleep(0.1)
    return time.monotonic() - start


async def drain(settings: StackSettings, timeout: float = 120) -> None:
    """Wait until the handoff service has consumed the whole stream (it catches up after a fault)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as http:
        while time.monotonic() < deadline:
            try:
                stream = (await http.get(f"{settings.url(settings.handoff_port)}/health")).json().get("stream") or {}
                if stream.get("lag") == 0 and stream.get("pending") == 0:
                    return
            except (httpx.HTTPError, ValueError):
                pass
            await asyncio.sleep(0.5)


# --- the count --------------------------------------------------------------------------------


async def trackers(http: httpx.AsyncClient, settings: StackSettings, senders: set[str]) -> dict[str, list[dict]]:
    rasa = settings.url(settings.rasa_port)
    found: dict[str, list[dict]] = {}
    for sender in sorted(senders):
        response = await http.get(f"{rasa}/conversations/{sender}/tracker", headers=health.rasa_headers(settings),
                                  timeout=30)
        response.raise_for_status()
        found[sender] = response.json().get("events") or []
    return found


async def escalations(http: httpx.AsyncClient, settings: StackSettings) -> Counter[str]:
    """Escalations per sender, in every state (the admin sees every team's)."""
    base = settings.url(settings.handoff_port)
    login = await http.post(f"{base}/auth/login", json={"username": "admin", "password": settings.demo_password})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    seen: dict[int, str] = {}
    for state in ("initiated", "queued", "accepted", "completed", "failed"):
        offset = 0
        while True:  # page by page: the queue's order is by priority, a page is not all of them
            response = await http.get(f"{base}/escalations", headers=headers,
                                      params={"state": state, "sort": "newest", "limit": LISTING_LIMIT,
                                              "offset": offset})
            response.raise_for_status()
            cards = response.json()
            seen.update({card["id"]: card["sender_id"] for card in cards})
            offset += len(cards)
            if len(cards) < LISTING_LIMIT or offset >= 10_000:  # the listing's deepest offset
                break
    return Counter(seen.values())


def count(figures: Figures, events: dict[str, list[dict]], opened: Counter[str]) -> dict[str, Any]:
    said: Counter[tuple[str, str]] = Counter()
    bot_texts: dict[str, str] = {}
    promised: set[str] = set()
    for sender, sender_events in events.items():
        for event in sender_events:
            if event.get("event") == "user":
                said[(sender, str(event.get("text")))] += 1
            elif event.get("event") == "bot":
                bot_texts[sender] = bot_texts.get(sender, "") + "\n" + str(event.get("text") or "")
            elif event.get("event") == "slot" and event.get("name") == UNRESOLVED_REASON_SLOT and event.get("value"):
                promised.add(sender)
    acknowledged = Counter(figures.acknowledged)
    lost = [key for key, times in acknowledged.items() if times > said[key]]
    lost_messages = sum(acknowledged[key] - said[key] for key in lost)
    lost_while = Counter(figures.acknowledged_while.get(key, ("?", 0))[0] or "nothing" for key in lost)
    lost_handovers = sorted(sender for sender in promised if opened[sender] == 0)
    duplicated = sorted(sender for sender, times in opened.items() if times > 1)
    lost_replies = [(sender, ref) for sender, ref in figures.agent_replies if ref not in bot_texts.get(sender, "")]
    return {
        "customer_messages_acknowledged": sum(acknowledged.values()),
        "customer_messages_lost": lost_messages,
        "customer_messages_lost_while_down": dict(lost_while),
        "customer_sends_refused": dict(figures.refused),
        "customer_sends_refused_while_down": figures.refused_during,
        "customer_turns_given_up": figures.given_up,
        "conversations": len(figures.senders),
        "handovers_promised": len(promised),
        "handovers_lost": len(lost_handovers),
        "handovers_duplicated": len(duplicated),
        "escalations_without_promise": sum(times for sender, times in opened.items() if sender not in promised),
        "agent_replies_accepted": len(figures.agent_replies),
        "agent_replies_lost": len(lost_replies),
        "agent_errors": dict(figures.agent_errors),
        "seconds_until_whole": {name: round(seconds, 1) for name, seconds in figures.whole_after.items()},
        "pending_handled": {name: {"pending": left, "seconds": round(seconds, 1)}
                            for name, (left, seconds) in figures.pending_handled.items()},
        "examples": {"customer_messages_lost": [
                         {"sender": key[0], "text": key[1], "down": figures.acknowledged_while.get(key, ("?", 0))[0],
                          "replies": figures.acknowledged_while.get(key, ("?", 0))[1]} for key in lost[:5]],
                     "handovers_lost": lost_handovers[:5], "handovers_duplicated": duplicated[:5],
                     "agent_replies_lost": lost_replies[:5]},
    }


async def measure(settings: StackSettings, supervisor: Supervisor, args: argparse.Namespace) -> dict[str, Any]:
    figures = Figures()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    async with httpx.AsyncClient(limits=limits) as http:
        customers = Customers(http, settings, figures, args.seed)
        agents = Agents(http, settings.url(settings.handoff_port), settings.demo_password, figures)
        widgets = Widgets(http, settings.url(settings.rasa_port), settings.url(settings.handoff_port), args.seed)
        load = asyncio.gather(customers.run(args.conversations - args.widgets), widgets.run(args.widgets),
                              agents.run())
        try:
            await kill_in_turn(settings, supervisor, customers, figures, args.kill, args.before, args.settle)
        finally:
            customers.stop.set()
            widgets.stop.set()
            await asyncio.sleep(0)
        # The customers finish their turns; the agents take what is still queued, then stop.
        await drain(settings)
        await asyncio.sleep(args.settle)
        agents.stop.set()
        await load
        await drain(settings)
        # The widgets' acknowledged messages are checked in their trackers like the REST customers'.
        figures.acknowledged += widgets.figures.acknowledged
        figures.senders |= widgets.figures.senders
        counted = count(figures, await trackers(http, settings, figures.senders), await escalations(http, settings))
        seconds = sorted(widgets.figures.reconnect_seconds)
        counted["widgets"] = {"customers": args.widgets, "conversations": len(widgets.figures.senders),
                              "messages_acknowledged": len(widgets.figures.acknowledged),
                              "sockets_cut": widgets.figures.cut, "reconnected": len(seconds),
                              "reconnect_seconds_max": round(seconds[-1], 2) if seconds else None,
                              "reconnect_seconds_median": round(seconds[len(seconds) // 2], 2) if seconds else None,
                              "sends_unacknowledged": widgets.figures.refused,
                              "turns_given_up": widgets.figures.given_up}
        return counted


def report(figures: dict[str, Any], conversations: int, replicas: int = 1) -> str:
    whole = figures["seconds_until_whole"]
    lines = [
        f"Faults under load: {conversations} conversations at once, each process killed with SIGKILL in turn"
        + (f" ({replicas} replicas of each behind HAProxy)" if replicas > 1 else ""),
        "",
        "| process killed | seconds until whole again |",
        "| --- | ---: |",
        *(f"| {name} | {seconds:.1f} |" for name, seconds in whole.items()),
        "",
        f"customer messages acknowledged {figures['customer_messages_acknowledged']}, "
        f"lost {figures['customer_messages_lost']} "
        f"(by the process down then: {figures['customer_messages_lost_while_down']})",
        f"customer sends refused (sent again) {sum(figures['customer_sends_refused'].values())}: "
        f"{figures['customer_sends_refused']}; while down: {figures['customer_sends_refused_while_down']}; "
        f"turns given up {figures['customer_turns_given_up']}",
        f"hand-overs promised {figures['handovers_promised']}, lost {figures['handovers_lost']}, "
        f"duplicated {figures['handovers_duplicated']} "
        f"(escalations the detector opened unasked: {figures['escalations_without_promise']})",
        f"agent replies accepted {figures['agent_replies_accepted']}, lost {figures['agent_replies_lost']} "
        f"(agent calls refused: {figures['agent_errors']})",
    ]
    for name, pending in (figures.get("pending_handled") or {}).items():
        lines.append(f"{name} killed holding {pending['pending']} pending stream entries: none pending after "
                     f"{pending['seconds']} s")
    widgets = figures.get("widgets") or {}
    if widgets.get("customers"):
        lines.append(f"widgets (socket.io through HAProxy) {widgets['customers']}: "
                     f"sockets cut {widgets['sockets_cut']}, "
                     f"reconnected {widgets['reconnected']} (median {widgets['reconnect_seconds_median']} s, "
                     f"max {widgets['reconnect_seconds_max']} s), messages acknowledged "
                     f"{widgets['messages_acknowledged']} (counted above), sends unacknowledged and sent again "
                     f"{widgets['sends_unacknowledged']}, turns given up {widgets['turns_given_up']}")
    if any(figures["examples"].values()):
        lines.append(f"examples: {figures['examples']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=10, help="customers at once")
    parser.add_argument("--kill", default="", help="the processes (replicas with --replicas) to kill, in order; "
                        f"default {','.join(KILL_ORDER)}, with --replicas {','.join(REPLICA_KILL_ORDER)}")
    parser.add_argument("--replicas", type=int, default=1,
                        help="every process but Redis this many times behind HAProxy")
    parser.add_argument("--widgets", type=int, default=-1,
                        help="how many of the customers are socket.io widgets (default: half with --replicas, else 0)")
    parser.add_argument("--before", type=float, default=20, help="seconds of load before the first kill")
    parser.add_argument("--settle", type=float, default=15, help="seconds of load after each recovery")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the stack's logs and data")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be between 1 and {MAX_REPLICAS}")
    if args.widgets < 0:
        args.widgets = args.conversations // 2 if args.replicas > 1 else 0
    args.widgets = min(args.widgets, args.conversations)
    default = REPLICA_KILL_ORDER if args.replicas > 1 else KILL_ORDER
    args.kill = [name.strip() for name in (args.kill or ",".join(default)).split(",") if name.strip()]
    known = Topology.of(dataclasses.replace(StackSettings(), replicas=args.replicas)).programs(list(PROCESSES))
    unknown = set(args.kill) - set(known)
    if unknown:
        parser.error(f"unknown processes {sorted(unknown)}; known: {', '.join(known)}")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")
    print("starting the stack under supervisord on free loopback ports ...", flush=True)
    with supervised_stack(keep=args.keep, replicas=args.replicas) as (settings, supervisor):
        figures = asyncio.run(measure(settings, supervisor, args))
    print(report(figures, args.conversations, args.replicas), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
