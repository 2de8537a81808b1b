"""Every activity our actors send is built here (AS2 JSON, ids minted under our domain).

* :mod:`outbox.activities.follows`: ``Follow``, ``Accept``/``Reject``, ``Undo``, ``Block``;
* :mod:`outbox.activities.posts`: the note and its ``Create``/``Delete``, votes, reblogs, the
  ``Update`` of a profile;
* :mod:`outbox.activities.announces`: a group's announces, wrapped (FEP-1b12) or a boost;
* :mod:`outbox.activities.polls`: a vote (Mastodon's ``Create{Note}``) and the ``Update`` of a
  post (an edit, or a poll's new counts).

Shapes follow what the receivers check (DESIGN.md §4): ``Accept``/``Reject`` embed what they
answer; our activities carry both ``to`` and ``cc``; group announces carry ``audience``.
Sending them is :func:`outbox.send.send`'s business.
"""

from outbox.activities.announces import build_boost, build_wrap
from outbox.activities.base import new_activity_uri, now_iso
from outbox.activities.follows import (
    build_block,
    build_follow,
    build_response,
    build_undo,
    stored_activity,
)
from outbox.activities.polls import build_poll_vote, build_update, with_counts
from outbox.activities.posts import (
    Composition,
    build_create,
    build_delete,
    build_note,
    build_profile_update,
    build_reblog,
    build_vote,
    mentioned_in,
)

__all__ = [
    "Composition",
    "build_block",
    "build_boost",
    "build_create",
    "build_delete",
    "build_follow",
    "build_note",
    "build_poll_vote",
    "build_profile_update",
    "build_reblog",
    "build_response",
    "build_undo",
    "build_update",
    "build_vote",
    "build_wrap",
    "mentioned_in",
    "new_activity_uri",
    "now_iso",
    "stored_activity",
    "with_counts",
]
