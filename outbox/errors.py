"""The exception root of ``outbox``.

::

    OutboxError          an activity we cannot send as asked (not ours, not JSON, no id)
    └── ActRefused       a moderation or governance act we refuse: ``reason`` says which kind of
                         refusal (a closed set), ``str()`` the sentence to show

A delivery attempt that got no HTTP status is a ``federation.errors.DeliveryError``: the
client that makes the attempt lives in ``federation``.
"""

from __future__ import annotations

from typing import Literal

#: Why an act is refused: not a moderator, nothing there to act on, a bad request, a proposal
#: that can no longer be voted on.
RefusalReason = Literal["not_moderator", "not_found", "invalid", "closed"]


class OutboxError(Exception):
    """Root of the errors of ``outbox``; ``str()`` is a sentence fit for a log or a user."""


class ActRefused(OutboxError):
    """An act on a group that is not carried out (:mod:`outbox.governance`)."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
