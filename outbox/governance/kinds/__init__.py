"""The act kinds of issue 12, each registered on import. Another feature adds its module here
(or registers from its own module, imported before the first submission)."""

from outbox.governance.kinds import team

__all__ = ["team"]
