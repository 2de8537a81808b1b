"""The act kinds of issue 12, each registered on import. Another feature adds its module here
(or registers from its own module, imported before the first submission)."""

from outbox.governance.kinds import bans, content, queue, reports, rules, team
from outbox.governance.kinds import bridges as bridges  # issue 17
from outbox.governance.kinds import move as move  # issue 16: a community moves
from outbox.governance.kinds import visibility as visibility  # issue 15: private communities

__all__ = ["bans", "content", "queue", "reports", "rules", "team"]
