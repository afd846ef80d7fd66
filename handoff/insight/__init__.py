"""Insight: what the reporting events are fed from outside the stream, and the reports on them."""
