"""One customer across channels (issue 21): conversations linked to a customer record once an
order is verified in them (linker.py), and what an agent sees of that customer (directory.py)."""
