"""The contract behind "a person is coming": the bot says it only through
`bot.actions.handover.promise_person`, which sets `unresolved_reason` in the same step, and the
handoff service opens an escalation on that slot unconditionally (tests/e2e/test_handover_promise.py
plays every path through the real stack). These checks read the domain, the rules and stories,
and the actions' code, so a new path that promises a person without the signal fails here."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from bot.actions.handover import promise_person
from tests.bot.domain import domain

ROOT = Path(__file__).resolve().parents[2]
# What tells a customer a person is coming (not an offer such as "I can bring in someone").
PROMISE = re.compile(
    r"bringing in (?:a person|someone)|needs a person from our team|"
    r"let me check who from our support team|a person (?:from our team )?(?:is|will be) (?:coming|with you)",
    re.IGNORECASE,
)


def responses() -> dict[str, list[str]]:
    return {name: [v.get("text", "") for v in variants] for name, variants in domain().responses.items()}


def promising_responses() -> set[str]:
    return {name for name, texts in responses().items() if any(PROMISE.search(t) for t in texts)}


def story_actions() -> Iterator[tuple[Path, str]]:
    for path in [*sorted((ROOT / "bot/data").glob("*.yml")), *sorted((ROOT / "tests/bot/stories").glob("*.yml"))]:
        data = yaml.safe_load(path.read_text()) or {}
        for block in [*data.get("rules", []), *data.get("stories", [])]:
            for step in block.get("steps", []):
                if "action" in step:
                    yield path, step["action"]


def calls(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                yield node


def literal(node: ast.Call, keyword: str) -> str | None:
    for kw in node.keywords:
        if kw.arg == keyword and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    return None


def action_modules() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted((ROOT / "bot/actions").rglob("*.py")):
        yield path, ast.parse(path.read_text())


def test_the_promises_are_known() -> None:
    """The pattern still finds the promises: if the wording changes, this says so first."""
    assert {"utter_handoff_requested", "utter_verification_locked", "utter_order_system_down_handover",
            "utter_parcel_lost", "utter_policy_exception_handover", "utter_damaged_handover"} <= promising_responses()
    assert not PROMISE.search(responses()["utter_iamabot"][0])  # an offer is not a promise


def test_no_rule_or_story_utters_a_promise_directly() -> None:
    promising = promising_responses()
    direct = [(path.name, action) for path, action in story_actions() if action in promising]
    assert not direct, f"say these through an action that calls promise_person: {direct}"


def test_actions_promise_only_through_promise_person() -> None:
    """Every response name or string in the actions' code that promises a person (an f-string's
    parts and module constants included) stands inside a promise_person call."""
    promising = promising_responses()
    offenders = []
    for path, tree in action_modules():
        inside = {id(node) for call in calls(tree, "promise_person") for node in ast.walk(call)}
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
            if text and id(node) not in inside and (text in promising or PROMISE.search(text)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    offenders = [o for o in offenders if not o.startswith("bot/actions/handover.py")]
    assert not offenders, f"these promise a person without the signal: {offenders}"


def test_every_promise_person_call_promises_and_names_a_reason() -> None:
    promising, seen = promising_responses(), 0
    for path, tree in action_modules():
        for call in calls(tree, "promise_person"):
            seen += 1
            response, text = literal(call, "response"), literal(call, "text")
            assert response in promising or (text and PROMISE.search(text)), f"{path.name}:{call.lineno}"
            assert len(call.args) == 2, f"{path.name}:{call.lineno}: promise_person(dispatcher, reason, ...)"
    assert seen >= 8  # request, 2 knowledge, 2 verification, lost parcel, exception, 2 damaged


def test_promise_person_says_it_and_signals_it_in_one_step() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = promise_person(dispatcher, "lost_parcel", response="utter_parcel_lost", days=8, carrier="UPS")
    assert dispatcher.messages[0]["response"] == "utter_parcel_lost"
    assert events == [{"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": "lost_parcel"}]
