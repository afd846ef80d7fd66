"""Requests that a shop's help centre never answers (weather, recipes, banking, small talk...),
one per line in the *.txt files here, taught to the article classifier as "none of ours"."""

from __future__ import annotations

from pathlib import Path

NEGATIVES_DIR = Path(__file__).resolve().parent


def load_negatives(directory: Path = NEGATIVES_DIR) -> list[str]:
    lines: list[str] = []
    for path in sorted(directory.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                lines.append(line.strip())
    return lines
