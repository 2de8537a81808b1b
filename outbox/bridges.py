"""What moderators (and the admin) do to bridges, as every surface asks it: the CLI
(``fediverse group bridge``), the moderators' API (``/api/v1/groups/NAME/bridges``) and the
settings page call these, and hold no rule of their own (docs/bridges.md).

Each act goes through :func:`outbox.governance.submit` (making or cutting a bridge needs the
quorum); :func:`bridges_view` is what the surfaces show. :func:`carriers_for_reply` is what a
member's reply needs: the communities of ours that carry its thread over a bridge, which the
reply is addressed to as well, so that they carry it back to the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from community.actors import Actor, find_actor_by_id
from community.bridges import (
    bridges_of,
    carriers_of,
    find_carried,
    groups_bridging_into,
)
from community.directory import recommended_by
from community.membership import is_banned, is_member
from community.posts import Post, find_post, find_post_by_id
from community.relays import is_opted_in
from community.storage.database import Conn
from community.urls import Urls
from outbox.errors import ActRefused
from outbox.governance import Act, Submitted, submit
from outbox.moderation import Moderator


def _act(who: Moderator, group: Actor, kind: str, params: dict[str, Any], reason: str = "") -> Act:
    return Act(group, kind, who.actor, params, reason, by_admin=who.admin)


def _terms(filter_: str, words: Sequence[str], muted: Sequence[str]) -> dict[str, Any]:
    return {"filter": filter_, "words": list(words), "muted": list(muted)}


async def make_bridge(
    conn: Conn,
    urls: Urls,
    who: Moderator,
    group: Actor,
    source: Actor,
    *,
    filter_: str = "all",
    words: Sequence[str] = (),
    muted: Sequence[str] = (),
    reason: str = "",
) -> Submitted:
    """``group`` follows ``source`` and carries its posts (or the proposal to)."""
    params = {"source": source.uri, **_terms(filter_, words, muted)}
    return await submit(conn, urls, _act(who, group, "add_bridge", params, reason))


async def cut_bridge(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, source: Actor, reason: str = ""
) -> Submitted:
    """The bridge from ``source`` into ``group`` is cut (or the proposal to)."""
    params = {"source": source.uri}
    return await submit(conn, urls, _act(who, group, "remove_bridge", params, reason))


async def filter_bridge(
    conn: Conn,
    urls: Urls,
    who: Moderator,
    group: Actor,
    source: Actor,
    *,
    filter_: str,
    words: Sequence[str] = (),
    muted: Sequence[str] = (),
    reason: str = "",
) -> Submitted:
    """What crosses the bridge from ``source`` into ``group`` from now on."""
    params = {"source": source.uri, **_terms(filter_, words, muted)}
    return await submit(conn, urls, _act(who, group, "filter_bridge", params, reason))


async def remove_bridged_post(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, post_ref: str, reason: str = ""
) -> Submitted:
    """``group``'s moderators take down, on their side, a post it carried over a bridge."""
    post = await find_post(conn, post_ref)
    if post is None:
        raise ActRefused("not_found", f"no post {post_ref} here")
    params = {"post": post.uri}
    return await submit(conn, urls, _act(who, group, "remove_bridged_post", params, reason))


async def recommend_community(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, other: Actor, *, add: bool = True
) -> Submitted:
    """``group`` recommends ``other`` (its ``recommended`` collection), or no longer."""
    kind = "recommend" if add else "unrecommend"
    return await submit(conn, urls, _act(who, group, kind, {"community": other.uri}))


async def opt_in_relays(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, *, opt_in: bool, reason: str = ""
) -> Submitted:
    """``group`` publishes its public posts to the instance's relays (or stops)."""
    params = {"opt_in": opt_in}
    return await submit(conn, urls, _act(who, group, "relay_opt_in", params, reason))


@dataclass(frozen=True)
class BridgeView:
    """One bridge of a community, as the surfaces show it."""

    source_uri: str
    source_handle: str
    #: the follow's state: ``pending`` (the source has not accepted yet), ``accepted``, ``none``
    state: str
    filter: str
    words: list[str]
    muted: list[str]
    carried: int

    def json(self) -> dict[str, Any]:
        return {
            "source": self.source_uri,
            "acct": self.source_handle,
            "state": self.state,
            "filter": self.filter,
            "words": self.words,
            "muted": self.muted,
            "carried": self.carried,
        }


@dataclass(frozen=True)
class BridgesView:
    """A community's bridges, the communities that bridge it, what it recommends, relays."""

    bridges: list[BridgeView]
    bridged_by: list[tuple[str, str]]
    recommends: list[str]
    relayed: bool

    def json(self) -> dict[str, Any]:
        return {
            "bridges": [b.json() for b in self.bridges],
            "bridged_by": [{"community": uri, "state": state} for uri, state in self.bridged_by],
            "recommends": self.recommends,
            "relayed": self.relayed,
        }


async def bridges_view(conn: Conn, group: Actor) -> BridgesView:
    bridges = [
        BridgeView(
            r["source_uri"],
            f"{r['source_username']}@{r['source_domain']}",
            r["follow_state"],
            r["filter"],
            list(r["words"]),
            list(r["muted"]),
            int(r["carried"]),
        )
        for r in await bridges_of(conn, group)
    ]
    bridged_by = [(r["uri"], r["follow_state"]) for r in await groups_bridging_into(conn, group)]
    recommends = [a.uri for a in await recommended_by(conn, group)]
    return BridgesView(bridges, bridged_by, recommends, await is_opted_in(conn, group))


async def carriers_for_reply(conn: Conn, author: Actor, parent: Post | None) -> tuple[Actor, ...]:
    """Our communities that carry ``parent``'s thread over a bridge and count ``author`` as a
    member (not banned): a reply there is theirs too, and they carry it back to the source."""
    if parent is None:
        return ()
    root = await find_post_by_id(conn, parent.root_id) if parent.root_id else parent
    if root is None:
        return ()
    found = []
    for carrier in await carriers_of(conn, root):
        group = carrier.group
        if group.id == parent.group_id or await is_banned(conn, group, author):
            continue
        if await is_member(conn, group, author) and await find_carried(conn, group, root):
            found.append(group)
    return tuple(found)


async def source_of_carried(conn: Conn, group: Actor, post: Post) -> Actor | None:
    """The community ``group`` carried ``post`` (a thread's first post) from."""
    carried = await find_carried(conn, group, post)
    if carried is None or carried["withdrawn_at"] is not None:
        return None
    return await find_actor_by_id(conn, carried["source_id"])
