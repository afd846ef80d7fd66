"""The bot's domain as Rasa merges it from the folder bot/domain/ (stack/train_bot.py's DOMAIN),
and as Rasa sends it to the action server."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa.shared.core.domain import Domain

from stack.settings import ROOT
from stack.train_bot import DOMAIN


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(ROOT / DOMAIN)


def domain_dict() -> dict[str, Any]:
    return domain().as_dict()
