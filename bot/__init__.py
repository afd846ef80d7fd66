"""Baton's Rasa side: training data, custom actions, NLU components and the event broker."""
