"""One line per local actor, for ``fediverse group list`` and ``fediverse user list``."""

from __future__ import annotations

from community.actors import ActorType, list_local_actors
from community.settings import Settings
from fediverse.cli.common import management


async def list_actors(settings: Settings, actor_type: ActorType) -> list[str]:
    async with management(settings) as (conn, urls):
        rows = await list_local_actors(conn, actor_type)
    if not rows:
        return [f"no {'groups' if actor_type == 'Group' else 'people'} yet"]
    lines = []
    for row in rows:
        extra = " closed" if row["manually_approves_followers"] else ""
        if actor_type == "Group" and row["community_visibility"] != "public":
            extra += f" {row['community_visibility']}"
        if row["user_state"] not in (None, "active"):
            extra += f" {row['user_state']}"
        lines.append(
            f"@{row['username']}@{urls.domain}\t{row['followers_count']} followers{extra}"
            f"\t{row['name']}"
        )
    return lines
