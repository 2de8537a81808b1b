"""Writing acts, proposals and votes on the group's log (:mod:`community.modlog`).

An item is the act's activity as sent or received, with what it acts on *named*: a post by its
id and type (a removed one as a ``Tombstone`` with ``formerType``), never its title (a
comment's is its first line), content or content warning, so the log never republishes what a
moderator removed, nor a private community's posts (:func:`community.modlog.scrubbed`).
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor
from community.governance import Proposal
from community.modlog import Entry, append, scrubbed
from community.posts import find_post
from community.storage.database import Conn
from outbox.governance.model import Act


async def named(conn: Conn, value: Any, *, removed: bool) -> Any:
    """``value`` (an object or its id) as the log names it."""
    uri = value if isinstance(value, str) else value.get("id") if isinstance(value, dict) else None
    post = await find_post(conn, uri) if isinstance(uri, str) else None
    if post is not None:
        if removed:
            return {"id": post.uri, "type": "Tombstone", "formerType": post.type}
        return {"id": post.uri, "type": post.type}
    if isinstance(value, dict):
        return await log_item(conn, scrubbed(value))
    return value


async def log_item(conn: Conn, activity: dict[str, Any]) -> dict[str, Any]:
    """The log's item for ``activity``: the same activity, its object named."""
    item = {k: v for k, v in activity.items() if k != "@context"}
    if "object" in item:
        item["object"] = await named(conn, item["object"], removed=item.get("type") == "Delete")
    return item


async def log_act(
    conn: Conn, act: Act, activity: dict[str, Any], proposal: Proposal | None = None
) -> None:
    """The applied act on its group's log (linked to the proposal it carried out)."""
    item = await log_item(conn, activity)
    if proposal is not None:
        item["proposal"] = proposal.uri
    proposal_id = proposal.id if proposal is not None else None
    entry = Entry(act.group, act.kind, act.by, item, act.reason, act.by_admin, proposal_id)
    await append(conn, entry)


async def log_governance(
    conn: Conn,
    group: Actor,
    kind: str,
    actor: Actor,
    activity: dict[str, Any],
    proposal: Proposal,
    reason: str = "",
) -> None:
    """A proposal (``propose``) or a vote (``approve``, ``decline``) on the log."""
    item = await log_item(conn, activity)
    await append(conn, Entry(group, kind, actor, item, reason, False, proposal.id))
