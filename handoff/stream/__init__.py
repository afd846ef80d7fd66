"""Following Rasa's event stream: the consumer group loop and the parsing of events."""
