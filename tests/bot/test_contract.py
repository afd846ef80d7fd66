"""The bot keeps its side of contract.bot_handoff: the domain has the slots and the intent the
handoff service uses, and every reason the actions give for promising a person is one of the
contract's, each of them given somewhere."""

from __future__ import annotations

import ast
from pathlib import Path

from contract import bot_handoff
from stack.settings import ROOT
from tests.bot.domain import domain

CONTRACT_MODULE = "contract.bot_handoff"


def test_the_domain_has_the_contracts_slots_and_intent() -> None:
    slots = {slot.name for slot in domain().slots}
    assert {bot_handoff.UNRESOLVED_REASON_SLOT, bot_handoff.CSAT_RATING_SLOT, bot_handoff.CSAT_COMMENT_SLOT} <= slots
    assert bot_handoff.HANDBACK_INTENT in domain().intents


def reasons_given(path: Path) -> list[tuple[int, str | None]]:
    """(line, contract value) of each promise_person call's reason; None if it is not a name
    imported from the contract."""
    tree = ast.parse(path.read_text())
    from_contract = {alias.asname or alias.name for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module == CONTRACT_MODULE for alias in node.names}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "promise_person" and len(node.args) == 2:
            reason = node.args[1]
            name = reason.id if isinstance(reason, ast.Name) and reason.id in from_contract else None
            found.append((node.lineno, getattr(bot_handoff, name) if name else None))
    return found


def test_every_reason_for_a_person_comes_from_the_contract() -> None:
    given = {path.relative_to(ROOT).as_posix(): reasons_given(path)
             for path in sorted((ROOT / "bot" / "actions").rglob("*.py"))}
    written_out = [f"{path}:{line}" for path, reasons in given.items() for line, value in reasons if value is None]
    assert not written_out, f"name the reason from {CONTRACT_MODULE}: {written_out}"
    used = {value for reasons in given.values() for _line, value in reasons}
    assert used == bot_handoff.UNRESOLVED_REASONS
