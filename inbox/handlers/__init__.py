"""One handler per activity type, registered in one dict (STYLE.md §6).

A handler returns a short note of what it did (kept in ``inbox_items.error`` for the admin
when the item is ignored), raises :class:`~inbox.errors.Refused` for an activity it will not
act on, and :class:`~inbox.errors.Transient` for a failure worth retrying.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from community.context import AppContext
from inbox.handlers import (
    announce,
    create,
    delete,
    follow,
    moderation,
    move,
    responses,
    undo,
    update,
    votes,
)
from inbox.model import Received

Handler = Callable[[AppContext, Received], Awaitable[str]]

REGISTRY: dict[str, Handler] = {
    "Follow": follow.handle,
    "Accept": responses.handle_accept,
    "Reject": responses.handle_reject,
    "Undo": undo.handle,
    "Create": create.handle,
    "Update": update.handle,
    "Delete": delete.handle,
    "Announce": announce.handle,
    "Like": votes.handle,
    "Dislike": votes.handle,
    "Block": moderation.handle_block,
    "Flag": moderation.handle_flag,
    "Add": moderation.handle_collection_change,
    "Remove": moderation.handle_collection_change,
    "Move": move.handle,
}
