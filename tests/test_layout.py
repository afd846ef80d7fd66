"""The top level is the design: the arrows between its packages that must never be. bot/ meets the
help centre over HTTP and the desk over the event stream; the shared packages stand below all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEVER = {
    "bot": {"knowledge", "handoff"},
    "knowledge": {"handoff", "bot"},
    "orders": {"bot", "knowledge", "handoff"},
    "contract": {"bot", "knowledge", "handoff", "orders", "sentence_model", "defaults", "stack"},
    "defaults": {"bot", "knowledge", "handoff", "orders", "sentence_model", "stack"},
    "sentence_model": {"bot", "knowledge", "handoff"},
}


def imported_packages(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(NEVER))
def test_no_forbidden_imports(package: str) -> None:
    broken = [f"{path.relative_to(ROOT)} imports {sorted(imported_packages(path) & NEVER[package])}"
              for path in sorted((ROOT / package).rglob("*.py")) if imported_packages(path) & NEVER[package]]
    assert not broken, broken


def test_the_rule_sees_an_import() -> None:
    assert "knowledge" in imported_packages(ROOT / "bench/knowledge_eval.py")
