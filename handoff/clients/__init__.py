"""The handoff service's clients of the systems outside it, one module each: Rasa's HTTP API
(rasa.py), the knowledge service's search (knowledge.py) and the order backend (orders.py)."""
