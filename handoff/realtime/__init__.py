"""What is live right now, shared by every replica through Redis: the pushes to the agents'
consoles and the widget (live.py) and which agents are at their console (presence.py)."""
