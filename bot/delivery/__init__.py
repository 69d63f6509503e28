"""The outbox: every message to send is a stored row, sent exactly once."""
