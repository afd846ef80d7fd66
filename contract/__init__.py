"""What crosses between Baton's processes, written once. Standard library only, so the bot's
environment (Python 3.10, beside Rasa) and the services' (3.11) both import it."""
