"""One load level: N customers at once, each playing conversation after conversation (a fresh
sender each time) until the level's time is up; turns already under way are finished.

With `pacing="none"` customers do not pause between turns (unless told to, `think`), so the level
keeps N messages in flight: a system working flat out, whose messages per second are the
saturation point. With `pacing="human"` each customer reads the replies and types the next
message first (bench/load/pacing.py), as the people behind N conversations would.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from bench.load.agents import Desk, Waiting
from bench.load.cpu import CpuUse
from bench.load.customers import Customer, RestCustomer, SocketCustomer, button_payload, reply_text
from bench.load.memory import PeakMemory
from bench.load.pacing import Pacing, pause_seconds
from bench.load.scenarios import Scenario, Scenarios
from bench.load.stats import LevelResult
from defaults import DEMO_PASSWORD

logger = logging.getLogger(__name__)


@dataclass
class Target:
    """Where the system answers, and the pid of each of its processes (for memory)."""

    rasa_url: str
    handoff_url: str
    pids: dict[str, int]
    password: str = DEMO_PASSWORD
    # Authorization for Rasa's REST channel (a fresh JWT signed with its API secret), as callers need.
    rasa_headers: Callable[[], dict[str, str]] = dict
    # With --replicas: serve Rasa from its first N replicas only (HAProxy's runtime API).
    rasa_in_service: Callable[[int], None] | None = None


@dataclass
class Plan:
    concurrency: int
    duration: float
    think: float = 0.0
    pacing: Pacing = "none"
    seed: int = 7
    turn_timeout: float = 60.0
    handover_timeout: float = 30.0  # for the escalation, and again for the agent's reply


class Level:
    def __init__(self, target: Target, plan: Plan, http: httpx.AsyncClient, desk: Desk | None,
                 deck: Iterator[str], scenarios: Scenarios) -> None:
        self.target, self.plan, self.http, self.desk = target, plan, http, desk
        self.deck, self.scenarios = deck, scenarios
        self.result = LevelResult(plan.concurrency, plan.pacing)
        self.pauses = random.Random(plan.seed * 1000 + plan.concurrency)
        self._channels = itertools.cycle(("rest", "socketio"))

    def _customer(self, scenario: Scenario) -> Customer:
        channel = "socketio" if scenario.handover else next(self._channels)
        if channel == "rest":
            return RestCustomer(self.http, self.target.rasa_url, self.target.rasa_headers)
        return SocketCustomer(self.http, self.target.rasa_url, self.target.handoff_url)

    async def run(self) -> LevelResult:
        start = time.perf_counter()
        deadline = start + self.plan.duration
        await asyncio.gather(*(self._customer_loop(deadline) for _ in range(self.plan.concurrency)))
        self.result.duration_s = time.perf_counter() - start
        self.result.window_s = self.plan.duration
        self.result.load_average = os.getloadavg()
        return self.result

    async def _customer_loop(self, deadline: float) -> None:
        while time.perf_counter() < deadline:
            name = next(self.deck)
            if name == "handover" and self.desk is None:
                continue
            scenario = self.scenarios.build(name)
            customer = self._customer(scenario)
            try:
                await customer.open()
            except Exception as error:  # counted, not fatal: the customer tries again with a new conversation
                self.result.error(f"{customer.channel} connect: {type(error).__name__}")
                await asyncio.sleep(1)
                continue
            try:
                await self._play(customer, scenario, deadline)
            finally:
                await customer.close()

    async def _play(self, customer: Customer, scenario: Scenario, deadline: float) -> None:
        self.result.conversations += 1
        replies: list[dict] = []
        for number, turn in enumerate(scenario.turns):
            if time.perf_counter() >= deadline:
                return
            text = turn.text
            if turn.press:
                payload = button_payload(replies, turn.press)
                if payload is None:
                    if not turn.optional:
                        self.result.error(f"{scenario.name}: no button {turn.press!r}")
                        return
                    continue
                text = payload
            pause = pause_seconds(self.plan.pacing, self.pauses, reply_text(replies), turn.text, bool(turn.press))
            if pause:
                await asyncio.sleep(pause)
                if time.perf_counter() >= deadline:
                    return
            if self.desk and customer.sender in self.desk.escalated:
                # The detector handed the conversation over on an earlier turn that the bot also
                # answered (an answer, then the hand-over): a person owns it now, and a request
                # for one would wait for an escalation that was already announced.
                self.result.unplanned_handovers += 1
                return
            last = number == len(scenario.turns) - 1
            waiting = None
            if scenario.handover and last and self.desk and isinstance(customer, SocketCustomer):
                self.result.handovers_started += 1
                waiting = self.desk.expect(customer, time.perf_counter(), self.result)
            try:
                elapsed, replies = await customer.say(text, self.plan.turn_timeout)
            except Exception as error:  # a failed turn is a figure, not a crash
                self.result.error(f"{turn.kind}: {type(error).__name__}")
                return
            self.result.record_turn(turn.kind, customer.channel, elapsed * 1000, time.perf_counter() <= deadline)
            if waiting is not None:
                await self._handed_over(waiting)
                return
            if not replies and self.desk and await self.desk.handed_over(customer.sender):
                # A person owns the conversation now: the bot is right to stay quiet.
                self.result.unplanned_handovers += 1
                return
            if not replies:
                self.result.error(f"{turn.kind}: no reply")
                logger.info("%s %s on %s (%s): %r got no reply", scenario.name, turn.kind, customer.channel,
                            customer.sender, text)
                return
            if turn.expect and turn.expect.lower() not in reply_text(replies).lower():
                self.result.error(f"{turn.kind}: unexpected reply")
                logger.info("%s %s: expected %r, got %r", scenario.name, turn.kind, turn.expect,
                            reply_text(replies)[:200])
                return
            if self.plan.think:
                await asyncio.sleep(self.plan.think)

    async def _handed_over(self, waiting: Waiting) -> None:
        try:
            await asyncio.wait_for(waiting.escalated.wait(), self.plan.handover_timeout)
        except TimeoutError:
            self.result.error("handover: no escalation reached an agent")
            logger.info("hand-over of %s on %s: no escalation within %.0f s", waiting.customer.sender,
                        waiting.customer.channel, self.plan.handover_timeout)
            if self.desk:
                self.desk.waiting.pop(waiting.customer.sender, None)
            return
        try:
            await asyncio.wait_for(waiting.done.wait(), self.plan.handover_timeout * 2)
        except TimeoutError:
            self.result.error("handover: the agent did not finish")


async def run_levels(target: Target, plans: list[Plan], *, mix_deck: Iterator[str], scenarios: Scenarios,
                     warmup: float = 0.0, with_agents: bool = True) -> list[LevelResult]:
    """Run each plan in turn against `target`, sampling the processes' memory and CPU during each."""
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=200)
    results = []
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        desk = Desk(http, target.handoff_url, target.password) if with_agents else None
        if desk:
            await desk.start()
        try:
            if warmup:
                await Level(target, Plan(2, warmup), http, desk, mix_deck, scenarios).run()
            for plan in plans:
                with PeakMemory(target.pids) as memory, CpuUse(target.pids) as cpu:
                    result = await Level(target, plan, http, desk, mix_deck, scenarios).run()
                result.cpu_cores = dict(cpu.cores)
                result.memory_peak = dict(memory.peaks)
                result.memory_total_peak = memory.total_peak
                results.append(result)
                logger.info("level %d: %d turns, %.1f msg/s", plan.concurrency, result.turn_count,
                            result.messages_per_second)
        finally:
            if desk:
                await desk.stop()
    return results
