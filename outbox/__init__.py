"""Sending: activities from local actions, the durable delivery queue and its worker."""
