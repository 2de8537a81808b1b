"""The exception root of ``inbox/``.

::

    InboxError
    ├── Refused      a received activity we will not act on (authority, policy); not retried
    └── Transient    a failure worth retrying later (a remote server down, a timeout)
"""

from __future__ import annotations


class InboxError(Exception):
    """Root of the inbox's errors; ``str()`` is what the admin reads in ``inbox_items.error``."""


class Refused(InboxError):
    """The activity is not acted on, for a reason we record (``ignored``, never retried)."""


class Transient(InboxError):
    """Processing failed for a reason that may pass; the item is retried with back-off."""
