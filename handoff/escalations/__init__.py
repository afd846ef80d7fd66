"""Escalations, from the engine opening one to the agent's last word: the service that changes
their state (service.py), what the consoles see of them (cards.py), the priority queue in Redis
(queue.py) and the re-announcement of those nobody claimed (reannounce.py). The rows themselves
are in handoff/store/escalations.py, the agents' routes in handoff/api/routes/escalations.py."""
