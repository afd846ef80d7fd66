"""Tests of the custom Rasa components."""
