"""The handoff service: follows every conversation, decides when a person takes over,
and serves the agents' API and console."""
