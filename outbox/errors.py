"""The exception root of ``outbox``.

::

    OutboxError          an activity we cannot send as asked (not ours, not JSON, no id)
    └── TransportError   one HTTP attempt got no status: ``failure`` says why (policy.Failure)
"""

from __future__ import annotations

from outbox.policy import Failure


class OutboxError(Exception):
    """Root of the errors of ``outbox``; ``str()`` is a sentence fit for a log or a user."""


class TransportError(OutboxError):
    """A delivery attempt that got no HTTP status (timeout, refused address, reset, …)."""

    def __init__(self, failure: Failure, detail: str) -> None:
        super().__init__(f"{failure}: {detail}")
        self.failure = failure
        self.detail = detail
