"""Load generator for the whole system (issue 7): `python -m bench.load --help`.

scenarios.py what customers say; customers.py the REST and socket.io clients; agents.py the demo
agents at their consoles; runner.py one level of N concurrent conversations; memory.py peak RSS
from /proc; system.py the stack started here or found running; stats.py the figures and goals.
"""
