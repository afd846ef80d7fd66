"""What the simulated customers say: conversations made of turns that work with the trained bot
(the same turns as tests/e2e/test_orders.py and the help centre's evaluation questions).

A scenario never changes the demo shop: returns stop before "Yes, start it" and nobody cancels
LK-100237, so a run leaves the orders as the handbook tells them. LK-100236 (lost) is left out
of the status checks: it hands the customer to a person, which is the hand-over scenario's job.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "knowledge" / "eval" / "questions.jsonl"
NAMES = ("knowledge", "status", "return", "handover")
DEFAULT_MIX = {"knowledge": 4, "status": 3, "return": 2, "handover": 1}


@dataclass(frozen=True)
class Turn:
    kind: str  # the row of the report this turn's reply time goes to
    text: str = ""  # what the customer types ...
    press: str = ""  # ... or the title of a button of the bot's last replies, sent as its payload
    expect: str = ""  # a piece of the replies (any case) that shows the bot followed; empty: any reply
    optional: bool = False  # a press skipped when the button is not there (e.g. no "Did that help?")


@dataclass(frozen=True)
class Scenario:
    name: str
    turns: tuple[Turn, ...]
    handover: bool = False  # the last turn asks for a person; a logged-in agent should take it


# Order number, what the customer types first, the contact that verifies it, a piece of the answer.
STATUS_CHECKS = (
    ("where is my order LK-100231?", "maya.chen@example.com", "UPS Express"),
    ("my parcel was due three days ago, order LK-100235", "m5v 2t6", "Canada Post"),
    ("the tights came but where is the rest? LK-100238", "emma.schmidt@example.com", "2 parcels"),
    ("where is LK-100232", "omar.h@example.com", "delivered"),
)
GREETINGS = ("hi", "hello", "hey there", "good morning")
THANKS = ("thanks, bye", "thank you!", "great, thanks", "ok thanks")
HANDOVER_REQUESTS = ("I want to speak to a human please", "can I talk to a person?",
                     "let me talk to a real agent", "I need a human, not a bot")


def load_questions(path: Path = QUESTIONS) -> list[str]:
    """The help centre's evaluation questions, as customers typed them (typos and slang included)."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in lines if line.strip()]


class Scenarios:
    """Builds each scenario's turns, drawing questions, orders and wordings from a seeded generator."""

    def __init__(self, seed: int = 7, questions: list[str] | None = None) -> None:
        self.random = random.Random(seed)
        self.questions = questions if questions is not None else load_questions()

    def build(self, name: str) -> Scenario:
        builders = {"knowledge": self.knowledge, "status": self.status, "return": self.return_,
                    "handover": self.handover}
        return builders[name]()

    def knowledge(self) -> Scenario:
        return Scenario("knowledge", (
            Turn("greeting", self.random.choice(GREETINGS)),
            Turn("question", self.random.choice(self.questions)),
            Turn("feedback", press="Yes", optional=True),
            Turn("thanks", self.random.choice(THANKS)),
        ))

    def status(self) -> Scenario:
        ask, contact, answer = self.random.choice(STATUS_CHECKS)
        return Scenario("status", (
            Turn("status: ask", ask, expect="email"),
            Turn("status: answer", contact, expect=answer),
        ))

    def return_(self) -> Scenario:
        return Scenario("return", (
            Turn("return: ask", "I want to return the sweater from lk100232", expect="email"),
            Turn("return: verify", "10027", expect="Why are you sending it back"),
            Turn("return: step", press="It doesn't fit", expect="refund, or an exchange"),
            Turn("return: step", press="Refund", expect="Shall I start this return"),
            Turn("return: stop", "stop", expect="stopped"),
        ))

    def handover(self) -> Scenario:
        return Scenario("handover", (
            Turn("greeting", self.random.choice(GREETINGS)),
            Turn("question", self.random.choice(self.questions)),
            Turn("handover request", self.random.choice(HANDOVER_REQUESTS)),
        ), handover=True)


def deck(mix: dict[str, int], seed: int = 7, shuffle: bool = True) -> Iterator[str]:
    """Scenario names forever, each as often as its weight; shuffled per round unless told not to."""
    unknown = set(mix) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown scenarios {sorted(unknown)}; known: {', '.join(NAMES)}")
    rounds = random.Random(seed)
    cards = [name for name, weight in mix.items() for _ in range(weight)]
    if not cards:
        raise ValueError("the mix has no scenario with a weight above 0")
    for _ in itertools.count():
        if shuffle:
            rounds.shuffle(cards)
        yield from list(cards)


def parse_mix(text: str) -> dict[str, int]:
    """'knowledge=4,status=3' -> {'knowledge': 4, 'status': 3}."""
    mix: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        mix[name.strip()] = int(weight or 1)
    return mix
