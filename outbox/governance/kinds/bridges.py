"""The acts of issue 17: bridges, what crosses them, recommendations and relays.

* ``add_bridge`` ``{source, filter?, words?, muted?}`` (the quorum): the community follows the
  source community and carries its posts; its ``Follow`` is pending until the source accepts
  (a closed source's moderators approve it).
* ``remove_bridge`` ``{source}`` (the quorum): the bridge is cut, at once and whole (the
  ``Undo{Follow}``; nothing crosses from then on, in either direction).
* ``filter_bridge`` ``{source, filter, words?, muted?}``: what crosses (threads only, or all;
  words a thread must mention, words it must not).
* ``remove_bridged_post`` ``{post}``: the community's moderators take a carried post down on
  their side (the source keeps it).
* ``recommend`` / ``unrecommend`` ``{community}``: the communities it recommends.
* ``relay_opt_in`` ``{opt_in}``: its public posts are published to the instance's relays (the
  quorum to opt in; a moderator may always opt out alone).

Banning a source's author on this side is the ``ban`` act: a banned author's posts do not
cross.
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor, find_actor_by_uri
from community.bridges import (
    FILTERS,
    delete_bridge,
    find_bridge,
    find_carried,
    normalise_words,
    upsert_bridge,
    withdraw_carried,
)
from community.directory import recommend, unrecommend
from community.membership import find_follow, record_follow, remove_follow
from community.posts import Post, find_post, forget_share
from community.relays import opt_in, opt_out
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.bridges import (
    bridge_terms,
    build_bridge_act,
    build_group_follow,
    build_group_unfollow,
    build_recommendation,
)
from outbox.activities.moderation import build_group_settings, build_removal
from outbox.errors import ActRefused
from outbox.governance.kinds.common import param
from outbox.governance.model import SILENT, Act, Applying, Distribution, Kind
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing


def _refuse(message: str) -> ActRefused:
    return ActRefused("invalid", message)


async def community_named(conn: Conn, act: Act, name: str) -> Actor:
    """The community the act names (by id), as we know it; never the act's own group."""
    uri = str(param(act, name))
    found = await find_actor_by_uri(conn, uri)
    if found is None or not found.is_group or found.deleted_at is not None:
        raise ActRefused("not_found", f"no community {uri} known here")
    if found.id == act.group.id:
        raise _refuse(f"{act.group.handle} cannot bridge or recommend itself")
    return found


def _terms(act: Act) -> dict[str, Any]:
    filter_ = str(act.params.get("filter") or "all")
    if filter_ not in FILTERS:
        raise _refuse(f"filter must be one of {', '.join(FILTERS)}")
    words = normalise_words([str(w) for w in act.params.get("words") or ()])
    muted = normalise_words([str(w) for w in act.params.get("muted") or ()])
    return bridge_terms(filter_, words, muted)


def _ours(act: Act) -> None:
    if not act.group.local:
        raise _refuse(f"the bridges of {act.group.handle} are made on its own server")


async def build_add(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    _ours(act)
    source = await community_named(conn, act, "source")
    if await find_bridge(conn, act.group, source) is not None:
        raise _refuse(f"{act.group.handle} already bridges {source.handle}: filter it instead")
    return build_bridge_act(urls, act.by, act.group, source.uri, "Add", _terms(act), act.reason)


async def apply_add(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    source = await community_named(conn, act, "source")
    terms = _terms(act)
    await upsert_bridge(
        conn,
        act.group,
        source,
        terms["fediverse:bridgeFilter"],
        terms["fediverse:bridgeWords"],
        terms["fediverse:bridgeMuted"],
    )
    existing = await find_follow(conn, act.group.id, source.id)
    if existing is not None and existing.accepted:
        return SILENT  # the community followed the source already
    follow = build_group_follow(applying.urls, act.group, source.uri)
    await record_follow(conn, act.group, source, str(follow["id"]), accepted=False)
    to_source = Audience(actors=(source,), listed=False)
    return Distribution(wrap=False, sends=((Outgoing.of(follow), to_source),))


async def build_remove(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    _ours(act)
    source = await community_named(conn, act, "source")
    if await find_bridge(conn, act.group, source) is None:
        raise ActRefused("not_found", f"{act.group.handle} does not bridge {source.handle}")
    return build_bridge_act(urls, act.by, act.group, source.uri, "Remove", reason=act.reason)


async def apply_remove(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    source = await community_named(conn, act, "source")
    await delete_bridge(conn, act.group, source)
    follow = await remove_follow(conn, act.group.id, source.id)
    if follow is None:
        return SILENT
    undo = build_group_unfollow(applying.urls, act.group, source.uri, follow.activity_uri)
    to_source = Audience(actors=(source,), listed=False)
    return Distribution(wrap=False, sends=((Outgoing.of(undo), to_source),))


async def build_filter(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    _ours(act)
    source = await community_named(conn, act, "source")
    if await find_bridge(conn, act.group, source) is None:
        raise ActRefused("not_found", f"{act.group.handle} does not bridge {source.handle}")
    return build_bridge_act(urls, act.by, act.group, source.uri, "Update", _terms(act), act.reason)


async def apply_filter(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    source = await community_named(conn, act, "source")
    if await find_bridge(conn, act.group, source) is None:
        return SILENT  # cut meanwhile
    terms = _terms(act)
    await upsert_bridge(
        conn,
        act.group,
        source,
        terms["fediverse:bridgeFilter"],
        terms["fediverse:bridgeWords"],
        terms["fediverse:bridgeMuted"],
    )
    return SILENT


async def carried_post(conn: Conn, act: Act) -> Post:
    """The post the act names, as the act's group carries it over a bridge."""
    uri = str(param(act, "post"))
    post = await find_post(conn, uri)
    carried = await find_carried(conn, act.group, post) if post is not None else None
    if post is None or carried is None:
        raise ActRefused("not_found", f"{act.group.handle} carries no post {uri}")
    if carried["withdrawn_at"] is not None:
        raise _refuse(f"{uri} is already taken down in {act.group.handle}")
    return post


async def build_remove_carried(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await carried_post(conn, act)
    return build_removal(urls, act.by, act.group, post.uri, act.reason)


async def apply_remove_carried(applying: Applying) -> Distribution:
    conn, group = applying.conn, applying.act.group
    post = await carried_post(conn, applying.act)
    await withdraw_carried(conn, group, post)
    await forget_share(conn, post, group)
    return Distribution(unboost=(post.uri,) if post.is_top_level else ())


async def build_recommend(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    other = await community_named(conn, act, "community")
    added = act.kind == "recommend"
    return build_recommendation(urls, act.by, act.group, other.uri, added=added, reason=act.reason)


async def apply_recommend(applying: Applying) -> Distribution:
    other = await community_named(applying.conn, applying.act, "community")
    if applying.act.kind == "recommend":
        await recommend(applying.conn, applying.act.group, other)
    else:
        await unrecommend(applying.conn, applying.act.group, other)
    return SILENT


def _opting_in(act: Act) -> bool:
    value = act.params.get("opt_in")
    if not isinstance(value, bool):
        raise _refuse("opt_in must be true or false")
    return value


async def build_relay_opt_in(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    _ours(act)
    changes = {"fediverse:relayed": _opting_in(act)}
    return build_group_settings(urls, act.by, act.group, changes, act.reason)


async def apply_relay_opt_in(applying: Applying) -> Distribution:
    if _opting_in(applying.act):
        await opt_in(applying.conn, applying.act.group)
    else:
        await opt_out(applying.conn, applying.act.group)
    return SILENT


def opting_out(act: Act) -> bool:
    return act.params.get("opt_in") is False


ADD_BRIDGE = register(Kind("add_bridge", True, build_add, apply_add))
REMOVE_BRIDGE = register(Kind("remove_bridge", True, build_remove, apply_remove))
FILTER_BRIDGE = register(Kind("filter_bridge", False, build_filter, apply_filter))
REMOVE_BRIDGED_POST = register(
    Kind("remove_bridged_post", False, build_remove_carried, apply_remove_carried)
)
RECOMMEND = register(Kind("recommend", False, build_recommend, apply_recommend))
UNRECOMMEND = register(Kind("unrecommend", False, build_recommend, apply_recommend))
RELAY_OPT_IN = register(
    Kind("relay_opt_in", True, build_relay_opt_in, apply_relay_opt_in, alone=opting_out)
)
