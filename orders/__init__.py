"""Larkspur & Co.'s orders: the values (models), the handbook's rules (policy) and the backends
that hold them (demo SQLite store, a shop's REST API). Standard library only, Python 3.10+,
because both the action server (3.10) and the handoff service (3.11) import it."""
