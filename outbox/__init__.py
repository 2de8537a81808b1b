"""Sending: every activity we build, the one send seam, the durable delivery queue, its workers.

Other packages call, inside their own transaction::

    from outbox import Audience, Outgoing, send, mark_host_alive

    await send(conn, group, Outgoing.of(activity), Audience(followers_of=group))

Members' actions (:mod:`outbox.actions`, :mod:`outbox.reactions`) and a group's announces
(:mod:`outbox.redistribute`) build with :mod:`outbox.activities` and send with
:func:`outbox.send.send`. See docs/delivery.md for the queue's states, the retry policy and the
per-host rules.
"""

from outbox.hosts import mark_host_alive
from outbox.send import Audience, Outgoing, send

__all__ = ["Audience", "Outgoing", "mark_host_alive", "send"]
