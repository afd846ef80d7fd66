"""The hand-over engine (engine.py): follows each conversation's events after the stream
consumer applied them, decides when a person takes over, tells the customer what happens next,
builds the context packet and opens the escalation (see docs/architecture.md, "The hand-over
engine"). handoff/services.py builds it with the rest of the service."""
