"""Alembic's scripts for the handoff store (decision 0170): env.py, and one revision per schema
change in versions/. handoff/store/schema.py runs them; there is no alembic.ini."""
