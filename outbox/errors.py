"""The exception root of ``outbox``.

::

    OutboxError          an activity we cannot send as asked (not ours, not JSON, no id)

A delivery attempt that got no HTTP status is a ``federation.errors.DeliveryError``: the
client that makes the attempt lives in ``federation``.
"""

from __future__ import annotations


class OutboxError(Exception):
    """Root of the errors of ``outbox``; ``str()`` is a sentence fit for a log or a user."""
