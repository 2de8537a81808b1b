"""Receiving: inbox endpoints, verification, the durable inbox queue and its handlers."""
