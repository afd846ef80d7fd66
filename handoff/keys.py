"""Redis keys named after an outside identifier (a sender id, a widget session).

A sender id is whatever a channel sends, so it may hold colons, braces, any character and any
length. Joined into a key as it is, the sender `X:transcript` would own sender `X`'s transcript
key, and a 10,000-character id would make a 10 kB key. Each such key holds a SHA-256 digest of
the id instead: fixed length, one alphabet, no id can reach another's key. The id itself is kept
as a value wherever it is shown (the conversation index, the escalations).
"""

from __future__ import annotations

from contract.id_digest import id_digest

__all__ = ["id_digest", "keyed"]


def keyed(prefix: str, kind: str, identifier: str) -> str:
    """`<prefix>:<kind>:<digest of identifier>`; `kind` is ours, never outside input."""
    return f"{prefix}:{kind}:{id_digest(identifier)}"
