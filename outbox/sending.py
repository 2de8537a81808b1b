"""The send seam of handlers and local actions: who receives an activity, in one value.

Every activity a handler or a member's action makes (an ``Accept``, a group's announce, a
``Reject``, a post) goes through :func:`send` inside the caller's transaction, so a rolled-back
handler sends nothing (:func:`outbox.fanout.send_raw` does the storing and fan-out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from community.actors import Actor
from community.storage.database import Conn
from outbox.fanout import send_raw

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
    audience: Audience,
    public: bool = True,
    form: str | None = None,
) -> int:
    """Store ``body`` (exactly) and queue it for ``audience``; the number of remote deliveries.

    ``public`` says whether it is listed in the sender's outbox.
    """
    return await send_raw(
        conn, sender, body, to_followers_of=audience.followers_of, to_actors=audience.actors,
        follower_family=audience.family, listed=public, form=form,
    )  # fmt: skip
