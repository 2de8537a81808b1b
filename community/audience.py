"""THE place that decides a post's audience. Nothing else computes it.

DESIGN.md §5: members-only content of a private community is never served or delivered to
anyone outside it. For every post, ours or another server's, this module alone decides:

* whom it is **addressed** to, the ``to`` and ``cc`` of our own people's posts, and who
  **receives** it: the actors named, and whether the author's followers do (:func:`compose`);
* whether it is **listed**: in the author's outbox, and served unsigned at its activity URL
  (:attr:`PostAudience.listed`);
* the **visibility it is stored with** (``posts.visibility``: ``public``, ``unlisted``,
  ``followers``, ``direct`` or ``members``), for the posts we receive as for ours
  (:func:`stored_visibility`);
* who may **see** it through the client API (:func:`may_see`), and who may **fetch** it over
  federation (:func:`may_fetch`): a members-only post reaches members, their servers and the
  group itself, and no one else;
* how a group **announces** what its members post (:func:`announce_addressing`,
  :func:`announce_listed`).

Every path asks here. Our people's posts (the CLI's ``fediverse member post``, the client
API's ``POST /api/v1/statuses``, ActivityPub C2S ``POST /users/NAME/outbox``) all go through
:func:`outbox.actions.publish`, which builds the note and its deliveries from :func:`compose`;
every post stored (received by the inbox, or ours by the local path) gets its visibility from
:func:`stored_visibility` in :func:`community.posts.store_post`; the group's announces are
addressed by :mod:`outbox.activities.announces` from here; the API's visibility checks, search,
the object route (``/objects/…``) and the group's pinned posts ask :func:`may_see` and
:func:`may_fetch`. The timelines' SQL (``community/sql/timelines.sql``) and the usage counts
mirror the stored visibility: ``members`` never matches ``public``, and a ``members`` post
shows in a home timeline only to members of its group.

A community's own visibility is :func:`group_visibility`, a setting of each community
(``public``, ``unlisted``, ``private``; issue 15, docs/private-communities.md) changed by the
governance act ``set_visibility`` through :func:`change_group_visibility`, which re-derives the
stored visibility of the community's posts. Who receives a private community's announces is
decided here too (:func:`private_delivery_scope`): only servers with an accepted member whose
software can hold members-only posts (:mod:`community.software`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypeGuard
from urllib.parse import urlsplit

from community.actors import Actor, CommunityVisibility, find_actor_by_id
from community.membership import find_follow, is_banned, is_member, is_moderator
from community.software import PrivateReason, private_support
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import fetch_row
from federation.vocabulary.base import ids_of
from federation.vocabulary.constants import AS_PUBLIC, is_public

Q = load_queries("community")

#: How a post is stored (``posts.visibility``); ``members``: a private community's members only.
Visibility = Literal["public", "unlisted", "followers", "direct", "members"]
#: What a member's app asks for (Mastodon's names: ``private`` is followers only).
Requested = Literal["public", "unlisted", "private", "direct"]

_STORED: dict[Requested, Visibility] = {
    "public": "public",
    "unlisted": "unlisted",
    "private": "followers",
    "direct": "direct",
}
#: Who fetches for a whole server (FEP-2677's application actor; Mastodon's and Lemmy's are
#: ``Application``, some servers use ``Service``).
_SERVER_ACTORS = frozenset({"Application", "Service"})


def is_requested(value: str) -> TypeGuard[Requested]:
    """Whether an app asked for a visibility we know (Mastodon's four)."""
    return value in _STORED


def group_visibility(group: Actor) -> CommunityVisibility:
    """A community's visibility, its own setting (0014: ``actors.community_visibility``; a
    remote group's as its Group document says it, read as Lemmy reads it). Anything but a
    group is ``public``; a value we do not know is ``private`` (never looser)."""
    if not group.is_group:
        return "public"
    if group.community_visibility == "public":
        return "public"
    return "unlisted" if group.community_visibility == "unlisted" else "private"


def members_only(group: Actor | None) -> bool:
    """Whether what is posted in ``group`` is for its members only."""
    return group is not None and group_visibility(group) == "private"


@dataclass(frozen=True)
class PostAudience:
    """Everything the audience of one of our people's posts decides."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    #: actors who receive it (its group, the author replied to, those mentioned)
    recipients: tuple[Actor, ...]
    #: whether the author's followers receive it
    to_followers: bool
    #: in the author's outbox, and served unsigned at its activity URL
    listed: bool
    visibility: Visibility


def addressing(
    author: Actor, mentioned: list[Actor], requested: Requested
) -> tuple[list[str], list[str]]:
    """``to`` and ``cc`` as Mastodon addresses each visibility (public: to Public)."""
    followers = [author.followers_uri] if author.followers_uri else []
    others = [a.uri for a in mentioned]
    if requested == "unlisted":
        return followers, [AS_PUBLIC, *others]
    if requested == "private":
        return followers, others
    if requested == "direct":
        return others, []
    return [AS_PUBLIC], [*followers, *others]


def compose(
    author: Actor, requested: Requested, *, group: Actor | None, mentioned: list[Actor]
) -> PostAudience:
    """The audience of a post ``author`` writes, ``mentioned`` naming its group first (if
    any), then whom it answers and mentions.

    In a private community a post is addressed to the group alone, delivered to the group
    alone (which re-shares it to its members), never listed, and stored ``members``, whatever
    the app asked. In an ``unlisted`` one, ``public`` becomes ``unlisted``. Elsewhere the
    app's choice holds.
    """
    if group is not None and members_only(group):
        return PostAudience((group.uri,), (), (group,), False, False, "members")
    if group is not None and requested == "public" and group_visibility(group) == "unlisted":
        requested = "unlisted"
    to, cc = addressing(author, mentioned, requested)
    return PostAudience(
        to=tuple(to),
        cc=tuple(cc),
        recipients=tuple(mentioned),
        to_followers=requested != "direct",
        listed=requested in ("public", "unlisted"),
        visibility=_STORED[requested],
    )


def withdrawal(author: Actor, group: Actor | None, visibility: str) -> PostAudience:
    """The audience of the ``Delete`` of a post stored with ``visibility``: a members-only
    post's goes to its group alone (outsiders never knew of it); any other's to the public,
    the author's followers and its group."""
    if visibility == "members" and group is not None:
        return PostAudience((group.uri,), (), (group,), False, False, "members")
    cc = tuple(c for c in (author.followers_uri, group.uri if group else None) if c)
    recipients = (group,) if group is not None else ()
    return PostAudience((AS_PUBLIC,), cc, recipients, True, True, "public")


def stored_visibility(
    to: list[str],
    cc: list[str],
    author: Actor,
    group: Actor | None,
    parent_visibility: str | None = None,
) -> Visibility:
    """How a post addressed ``to`` and ``cc`` is stored: ``members`` in a private community
    (or under a members-only post), whatever its addressing; else from its addressing (as
    Mastodon reads it), with ``public`` lowered to ``unlisted`` in an unlisted community."""
    if members_only(group) or parent_visibility == "members":
        return "members"
    if is_public(to):
        unlisted = group is not None and group_visibility(group) == "unlisted"
        return "unlisted" if unlisted else "public"
    if is_public(cc):
        return "unlisted"
    if author.followers_uri and author.followers_uri in to + cc:
        return "followers"
    return "direct"


def announce_addressing(group: Actor) -> dict[str, Any]:
    """A group's announces: public ones address the world and cc the members; unlisted ones
    the members, cc the world; private ones the members only."""
    visibility = group_visibility(group)
    if visibility == "public":
        return {"to": [AS_PUBLIC], "cc": [group.followers_uri], "audience": group.uri}
    if visibility == "unlisted":
        return {"to": [group.followers_uri], "cc": [AS_PUBLIC], "audience": group.uri}
    return {"to": [group.followers_uri], "cc": [], "audience": group.uri}


def announce_listed(group: Actor) -> bool:
    """Whether a group's announces are in its outbox (a private group's never are)."""
    return not members_only(group)


class Visible(Protocol):
    """What of a stored post decides who sees it (:class:`community.posts.Post` is one)."""

    @property
    def visibility(self) -> str: ...
    @property
    def author_id(self) -> int: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def raw(self) -> dict[str, Any]: ...
    @property
    def deleted_at(self) -> datetime | None: ...


def tags_of(raw: dict[str, Any]) -> list[dict[str, Any]]:
    tags = raw.get("tag")
    items = tags if isinstance(tags, list) else [tags] if isinstance(tags, dict) else []
    return [t for t in items if isinstance(t, dict)]


def mention_uris(raw: dict[str, Any]) -> list[str]:
    return [str(t["href"]) for t in tags_of(raw) if t.get("type") == "Mention" and t.get("href")]


def page_may_show(visibility: str, author_id: int, viewer_id: int, in_group: bool) -> bool:
    """The web pages' rule, decided without a query (a thread page asks it of every comment):
    public and unlisted to all; everything to its author; members-only to the members and
    moderators of its group (``in_group``); followers-only and direct posts nowhere else (a
    page does not look up follows per comment: stricter than :func:`may_see`, never looser)."""
    if visibility in ("public", "unlisted") or (viewer_id and author_id == viewer_id):
        return True
    return visibility == "members" and in_group


async def may_see(conn: Conn, post: Visible, viewer: Actor | None) -> bool:
    """The client API's rule (Mastodon's): public and unlisted to all; followers-only to the
    author's followers and those addressed; direct to those addressed; members-only to the
    members and moderators of its group; everything to its author."""
    if post.deleted_at is not None:
        return False
    if post.visibility in ("public", "unlisted"):
        return True
    if viewer is None:
        return False
    if post.author_id == viewer.id:
        return True
    if post.visibility == "members":
        return await _in_group_of(conn, post, viewer)
    raw = post.raw
    if viewer.uri in ids_of(raw.get("to")) + ids_of(raw.get("cc")) + mention_uris(raw):
        return True
    if post.visibility == "followers":
        follow = await find_follow(conn, viewer.id, post.author_id)
        return follow is not None and follow.accepted
    return False


async def may_fetch(conn: Conn, post: Visible, signer: Actor | None) -> bool:
    """Whether another server may fetch one of our posts, asked by ``signer`` (the verified
    owner of the key that signed the GET; None: unsigned). Public and unlisted: anyone.
    Members-only: those :func:`may_fetch_in` its group allows; no one else. Followers-only
    and direct: no one (they were delivered to whom they concern)."""
    if post.visibility in ("public", "unlisted"):
        return True
    if post.visibility != "members" or post.group_id is None:
        return False
    group = await find_actor_by_id(conn, post.group_id)
    return group is not None and await may_fetch_in(conn, group, signer)


async def may_fetch_in(conn: Conn, group: Actor, signer: Actor | None) -> bool:
    """Whether ``signer`` may fetch what is for ``group``'s members: the group itself, its
    members and moderators, and the server actor (FEP-2677) of a server where a member is."""
    if not members_only(group):
        return True
    if signer is None:
        return False
    if await _in_group(conn, group, signer):
        return True
    if signer.type not in _SERVER_ACTORS:
        return False
    # As Lemmy checks a fetcher's instance for an accepted follower (LemmyNet/lemmy,
    # crates/apub/apub/src/http/mod.rs, check_community_content_fetchable), and further: only
    # a server that receives the private posts (its software keeps them private) may fetch.
    if not await conn.fetchval(Q["group_has_member_on"], group.id, signer.domain):
        return False
    return signer.domain.lower() in await receiving_domains(conn, group)


async def may_fetch_activity(
    conn: Conn, actor_id: int, object_uri: str | None, signer: Actor | None
) -> bool:
    """Whether ``signer`` may fetch an activity of ours that is not public: a private
    community's own (its announces, its moderators' acts), and a member's activity carrying
    a members-only post, to those :func:`may_fetch_in` the community allows; nothing else."""
    actor = await find_actor_by_id(conn, actor_id)
    if actor is not None and actor.is_group and members_only(actor):
        return await may_fetch_in(conn, actor, signer)
    row = await conn.fetchrow(Q["post_visibility_and_group"], object_uri) if object_uri else None
    if row is None or row["visibility"] != "members" or row["group_id"] is None:
        return False
    group = await find_actor_by_id(conn, row["group_id"])
    return group is not None and await may_fetch_in(conn, group, signer)


async def _in_group_of(conn: Conn, post: Visible, actor: Actor) -> bool:
    if post.group_id is None:
        return False
    group = await find_actor_by_id(conn, post.group_id)
    return group is not None and await _in_group(conn, group, actor)


async def _in_group(conn: Conn, group: Actor, actor: Actor) -> bool:
    """``actor`` is ``group``, or one of its moderators, or one of its members not banned."""
    if group.id == actor.id or await is_moderator(conn, group, actor):
        return True
    return await is_member(conn, group, actor) and not await is_banned(conn, group, actor)


async def change_group_visibility(
    conn: Conn, group: Actor, visibility: CommunityVisibility
) -> Actor:
    """Set a local community's visibility, and what becomes of the posts already in it:
    going ``private``, its public and unlisted posts become ``members`` (served to members
    only from now on: copies already delivered are out of reach); going ``unlisted``, its
    public posts become ``unlisted``. Going back from ``private`` leaves its members-only posts
    members-only: they were written for the members alone. A private community is closed."""
    async with conn.transaction():
        updated = await fetch_row(conn, Actor, Q["set_group_visibility"], group.id, visibility)
        if updated is None:
            raise ValueError(f"{group.uri} is not one of our groups")
        if visibility == "private":
            await conn.execute(Q["posts_become_members_only"], group.id)
            await conn.execute(Q["group_activities_unlisted"], group.id)
        elif visibility == "unlisted":
            await conn.execute(Q["posts_become_unlisted"], group.id)
    return updated


@dataclass(frozen=True)
class MemberServer:
    """A server where a private community has accepted members, and whether it receives the
    community's posts (``reason``: :data:`community.software.PRIVATE_REASONS`)."""

    domain: str
    members: int
    software: str | None
    version: str | None
    reason: PrivateReason
    inboxes: tuple[str, ...]

    @property
    def receives(self) -> bool:
        return self.reason == "supported"


async def member_servers(conn: Conn, group: Actor) -> list[MemberServer]:
    """The servers with accepted (not banned) members of ``group``, each with whether it may
    receive members-only posts (:func:`community.software.private_support`)."""
    found: dict[str, MemberServer] = {}
    for row in await conn.fetch(Q["member_inboxes"], group.id):
        domain = str(row["domain"]).lower()
        seen = found.get(domain)
        name, version = row["software_name"], row["software_version"]
        found[domain] = MemberServer(
            domain=domain,
            members=int(row["members"]) + (seen.members if seen else 0),
            software=name,
            version=version,
            reason=private_support(name, version),
            inboxes=(*(seen.inboxes if seen else ()), str(row["inbox_uri"])),
        )
    return list(found.values())


async def receiving_domains(conn: Conn, group: Actor) -> set[str]:
    """The servers that receive ``group``'s members-only posts."""
    return {s.domain for s in await member_servers(conn, group) if s.receives}


#: What a private group sends that carries nothing of its members' content: answers to a
#: follow (the one asking must get them, member or not yet) and its own follows.
_NOT_CONTENT = frozenset({"Accept", "Reject", "Follow"})


async def delivery_scope(
    conn: Conn, sender: Actor, activity_type: str, object_uri: str | None
) -> list[str] | None:
    """The only hosts an activity ``sender`` sends may be delivered to (None: no limit).

    A private community's activities (its announces of what members post, its moderators'
    acts, its relays…) go only to the inbox hosts of servers with an accepted member that
    receive members-only posts (:func:`member_servers`): a server whose last member left or
    was banned gets nothing more, at once, and a server whose software would show them
    publicly gets nothing private rather than a leak. Its answers to follows, and its own
    profile (``Update``/``Delete`` of itself), go where they are addressed."""
    if not (sender.local and members_only(sender)):
        return None
    if activity_type in _NOT_CONTENT or object_uri == sender.uri:
        return None
    servers = await member_servers(conn, sender)
    return sorted({host_of(inbox) for s in servers if s.receives for inbox in s.inboxes})


def host_of(uri: str) -> str:
    """The lower-cased host (with port) of an inbox URI."""
    return (urlsplit(uri).netloc.rsplit("@", 1)[-1]).lower()
