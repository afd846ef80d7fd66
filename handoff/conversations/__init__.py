"""Every conversation as the handoff service follows it from Rasa's event stream: its live state
(owner, channel, slots) and its transcript, kept in Redis (store.py)."""
