"""How handlers send: record the activity, queue it for local recipients, fan out the rest.

The one seam between the inbox's handlers and ``outbox/``: every activity a handler makes
(an ``Accept``, a group's announce, a ``Reject``) goes through :func:`send`, inside the
handler's transaction, so a rolled-back handler sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fediverse.activities import store_activity
from fediverse.actors import Actor
from fediverse.storage.database import Conn
from fediverse.storage.queries import load_queries

Q = load_queries("outbox")

Family = Literal["fep1b12", "microblog"]


@dataclass(frozen=True)
class Audience:
    """Who receives an activity: some actors, and/or the followers of one actor.

    ``family`` narrows followers to servers that understand one announce form (FEP-1b12
    community software, or microblogs); followers on servers of unknown software get both.
    """

    actors: tuple[Actor, ...] = ()
    followers_of: Actor | None = None
    family: Family | None = None


async def send(
    conn: Conn,
    sender: Actor,
    body: str,
    *,
    kind: str,
    uri: str,
    object_uri: str | None,
    audience: Audience,
    public: bool = True,
    form: str | None = None,
) -> None:
    await store_activity(
        conn, sender, body, kind=kind, object_uri=object_uri, uri=uri, public=public, form=form
    )
    if await _has_local_recipient(conn, audience):
        await conn.execute(Q["enqueue_local_item"], uri, kind, sender.uri, body)


async def _has_local_recipient(conn: Conn, audience: Audience) -> bool:
    if any(actor.local for actor in audience.actors):
        return True
    if audience.followers_of is None or audience.family == "microblog":
        return False
    return bool(await conn.fetchval(Q["has_local_followers"], audience.followers_of.id))
