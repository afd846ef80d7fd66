"""Who may do what: agents' accounts, bcrypt-hashed passwords, expiring JWT tokens and roles
(agent, admin); and the chat widget's per-conversation secrets (widget_sessions.py)."""
