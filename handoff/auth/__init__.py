"""Agents' authentication: bcrypt-hashed passwords, expiring JWT tokens, roles agent and admin."""
