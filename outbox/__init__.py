"""Sending: the transactional outbox, the durable delivery queue and its workers.

Other packages call only these, inside their own transaction::

    from outbox import send_activity, send_raw, mark_host_alive

See docs/delivery.md for the queue's states, the retry policy and the per-host rules.
"""

from outbox.fanout import mark_host_alive, send_activity, send_raw

__all__ = ["mark_host_alive", "send_activity", "send_raw"]
