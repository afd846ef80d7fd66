"""The digest an outside identifier (a sender id, an order number) is keyed by in Redis, the same
on both sides: the bot's counters and the handoff service's keys, which `python -m handoff.purge`
finds by it. Standard library only."""

from __future__ import annotations

import hashlib


def id_digest(identifier: str) -> str:
    # surrogatepass: an id decoded from JSON may hold a lone surrogate, still a distinct id.
    return hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()
