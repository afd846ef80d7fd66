"""The handoff service: follows every conversation, decides when a person takes over,
and serves the agents' API and console.

main.py is the ASGI app; services.py builds and starts everything (the one place that wires
the parts); settings.py reads the environment; errors.py names what can go wrong in a request.
The parts, one folder each: stream/ (Rasa's event stream in), conversations/ (each
conversation's state and transcript), detection/ (should a person take over?), engine/ (the
hand-over itself), escalations/ (service, cards, queue, re-announce), realtime/ (live pushes,
presence), store/ (the database), auth/ (accounts, tokens, widget secrets), clients/ (Rasa,
knowledge, orders), api/ (the HTTP and WebSocket routes) and web/ (console, widget, demo page).
"""
