"""Playing the set through the stack: each conversation and each question as a fresh sender on
Rasa's REST channel, a few at a time, then asking the escalation watch whether a person was
brought in. Bounded per request (the client's timeout) and in total (`Plan.seconds`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from bench.customer_bench import judge
from bench.customer_bench.chat import Customer, EscalationWatch
from bench.customer_bench.items import Conversation, Question, play_order
from defaults import DEMO_PASSWORD

Result = dict[str, Any]
Item = TypeVar("Item", Conversation, Question)


@dataclass(frozen=True)
class Plan:
    rasa_url: str
    handoff_url: str
    username: str = "admin"
    password: str = DEMO_PASSWORD
    concurrency: int = 3
    settle: float = 2.0  # seconds to wait for an escalation after the last turn
    turn_pause: float = 0.3  # between a reply and the customer's next message
    timeout: float = 60.0  # per request
    seconds: float = 5400.0  # the whole run
    # Authorization for Rasa's REST channel: a fresh JWT signed with its API secret.
    rasa_headers: Callable[[], dict[str, str]] = dict


class Player:
    def __init__(self, plan: Plan, customer: Customer, watch: EscalationWatch) -> None:
        self.plan, self.customer, self.watch = plan, customer, watch
        self.run_id = uuid.uuid4().hex[:10]
        self.deadline = time.monotonic() + plan.seconds

    def sender(self, item_id: str) -> str:
        return f"eval-{self.run_id}-{item_id}"

    async def _turns(self, sender: str, turns: Sequence[str]) -> tuple[list[list[str]], str]:
        replies: list[list[str]] = []
        for number, text in enumerate(turns):
            if number:
                await asyncio.sleep(self.plan.turn_pause)
            try:
                replies.append(await self.customer.say(sender, text))
            except (httpx.HTTPError, ValueError) as error:
                return replies, f"turn {number + 1}: {type(error).__name__}: {error}"[:300]
        return replies, ""

    async def conversation(self, conv: Conversation) -> Result:
        sender = self.sender(conv.id)
        replies, error = await self._turns(sender, conv.turns)
        escalation = await self.watch.wait_for(sender, self.plan.settle)
        said = judge.promised([m for turn in replies for m in turn])
        return {
            "id": conv.id, "class": conv.cls, "split": conv.split, "sender": sender, "turns": list(conv.turns),
            "needs_person": conv.needs_person, "handed_over": escalation is not None,
            "escalation_reason": escalation.reason if escalation else None, "promises": said,
            "promise_without_escalation": bool(said) and escalation is None, "replies": replies, "error": error,
        }

    async def question(self, question: Question) -> Result:
        sender = self.sender(question.id)
        replies, error = await self._turns(sender, [question.text])
        escalation = await self.watch.wait_for(sender, self.plan.settle)
        flat = [m for turn in replies for m in turn]
        return {
            "id": question.id, "class": question.cls, "split": question.split, "sender": sender,
            "question": question.text, "article_allowed": question.article_allowed,
            "fact_right": judge.fact_right(flat, question.facts),  # an error counts as wrong
            "article": judge.gave_article(flat), "flow_started": judge.started_flow(flat),
            "handed_over": escalation is not None, "escalation_reason": escalation.reason if escalation else None,
            "promises": judge.promised(flat),
            "promise_without_escalation": bool(judge.promised(flat)) and escalation is None,
            "replies": flat, "error": error,
        }

    async def each(self, items: Sequence[Item], play: Callable[[Item], Awaitable[Result]],
                   skipped: Callable[[Item], Result]) -> list[Result]:
        """Played a few at a time, in order; items not started by the deadline are marked skipped."""
        gate = asyncio.Semaphore(self.plan.concurrency)

        async def one(item: Item) -> Result:
            async with gate:
                if time.monotonic() > self.deadline:
                    return skipped(item)
                return await play(item)

        return list(await asyncio.gather(*(one(i) for i in items)))


def _skipped(item: Conversation | Question) -> Result:
    return {"id": item.id, "class": item.cls, "split": item.split, "skipped": True}


async def play(plan: Plan, conversations: list[Conversation], questions: list[Question],
               progress: Callable[[str], None] = print) -> tuple[list[Result], list[Result], dict[str, int]]:
    limits = httpx.Limits(max_connections=plan.concurrency * 2 + 4)
    async with httpx.AsyncClient(limits=limits) as http:
        watch = EscalationWatch(http, plan.handoff_url, plan.username, plan.password, plan.timeout)
        async with watch.running():
            player = Player(plan, Customer(http, plan.rasa_url, plan.timeout, plan.rasa_headers), watch)
            started = time.monotonic()
            ques = await player.each(questions, player.question, _skipped)
            progress(f"{len(ques)} questions in {time.monotonic() - started:.0f} s")
            convs: list[Result] = []
            for phase in play_order(conversations):
                convs += await player.each(phase, player.conversation, _skipped)
            progress(f"{len(convs)} conversations; {time.monotonic() - started:.0f} s in all")
        # The watch's last sweep (on leaving) may have found escalations opened after an item's wait.
        for r in [*convs, *ques]:
            if not r.get("skipped") and not r["handed_over"] and r["sender"] in watch.seen:
                r["handed_over"] = True
                r["late_escalation"] = True
                r["promise_without_escalation"] = False
                r["escalation_reason"] = watch.seen[r["sender"]].reason
        health = {"sweeps": watch.sweeps, "sweep_errors": watch.errors}
    return convs, ques, health
