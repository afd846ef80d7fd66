"""Custom Rasa graph components (NLU featurizers and classifiers of our own)."""
