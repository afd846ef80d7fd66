"""Requests that a shop's help centre never answers (weather, recipes, banking, small talk...),
one per line in the *.txt files here, taught to the article classifier as "none of ours".

Two kinds: requests of other domains, which no shop answers (OFF_DOMAIN_FILES), and shop
requests this help centre does not cover (the other files). The domain classifier
(knowledge/index/domain.py) learns the first kind against the shop's own questions, and with
them the many more requests of other domains in domain/*.txt (DOMAIN_DIR), which it alone
learns from: the article classifier's "none of ours" and the fitted decision models
(knowledge/retrieval.json) stay as they were fitted (decision 0275)."""

from __future__ import annotations

from pathlib import Path

NEGATIVES_DIR = Path(__file__).resolve().parent
# The files of requests from other domains (weather, recipes, banking, travel, small talk...).
OFF_DOMAIN_FILES = ("clinc150.txt",)
# Requests of other domains for the domain classifier only, in a folder of their own so that
# the *.txt files of NEGATIVES_DIR (the article classifier's) never take them in.
DOMAIN_DIR = "domain"


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def load_negatives(directory: Path = NEGATIVES_DIR) -> list[str]:
    return [line for path in sorted(directory.glob("*.txt")) for line in _lines(path)]


def load_shop_negatives(directory: Path = NEGATIVES_DIR) -> list[str]:
    """Shop requests no article answers."""
    return [line for path in sorted(directory.glob("*.txt")) if path.name not in OFF_DOMAIN_FILES
            for line in _lines(path)]


def load_off_domain(directory: Path = NEGATIVES_DIR) -> list[str]:
    """Requests of other domains."""
    return [line for name in OFF_DOMAIN_FILES if (directory / name).exists() for line in _lines(directory / name)]


def load_domain_only(directory: Path = NEGATIVES_DIR) -> list[str]:
    """Requests of other domains that the domain classifier learns from beside load_off_domain's:
    the lines of DOMAIN_DIR's files that are not already there, each once."""
    known = set(load_off_domain(directory))
    lines = [line for path in sorted((directory / DOMAIN_DIR).glob("*.txt")) for line in _lines(path)]
    return [line for line in dict.fromkeys(lines) if line not in known]
