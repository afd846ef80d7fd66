"""contract/ is imported by the bot's environment (Python 3.10, beside Rasa) and the services'
(3.11): it may import nothing but the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import contract.bot_handoff as bot_handoff

CONTRACT = Path(bot_handoff.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_contract_imports_only_the_standard_library() -> None:
    files = sorted(CONTRACT.rglob("*.py"))
    assert files
    outside = {f"{path.name}: {root}" for path in files for root in imported_roots(path)
               if root not in sys.stdlib_module_names and root not in ("__future__", "contract")}
    assert not outside

