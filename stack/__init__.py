"""How Baton's processes are set up, trained, started and checked (./baton run and test)."""
