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

A community's own visibility is :func:`group_visibility`: today ``private`` for a closed group
(members approved by a moderator) and ``public`` for an open one. Private communities (issue
15) make it a setting of each community (``public``, ``unlisted``, ``private``): change that
one function (and re-derive the stored visibility of a community's posts when its setting
changes, :func:`stored_visibility` says what it becomes), and every rule here follows;
``unlisted`` is already honoured (posts and announces stay off public timelines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypeGuard

from community.actors import Actor, find_actor_by_id
from community.membership import find_follow, is_member, is_moderator
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary.base import ids_of
from federation.vocabulary.constants import AS_PUBLIC, is_public

Q = load_queries("community")

#: How a post is stored (``posts.visibility``); ``members``: a private community's members only.
Visibility = Literal["public", "unlisted", "followers", "direct", "members"]
#: What a member's app asks for (Mastodon's names: ``private`` is followers only).
Requested = Literal["public", "unlisted", "private", "direct"]
#: A community's own visibility (issue 15 makes it a setting).
CommunityVisibility = Literal["public", "unlisted", "private"]

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
    """A community's visibility: ``private`` when closed (its members are approved), else
    ``public``. THE hook for per-community visibility (issue 15)."""
    return "private" if group.is_group and group.manually_approves_followers else "public"


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
    return bool(await conn.fetchval(Q["group_has_member_on"], group.id, signer.domain))


async def _in_group_of(conn: Conn, post: Visible, actor: Actor) -> bool:
    if post.group_id is None:
        return False
    group = await find_actor_by_id(conn, post.group_id)
    return group is not None and await _in_group(conn, group, actor)


async def _in_group(conn: Conn, group: Actor, actor: Actor) -> bool:
    """``actor`` is ``group``, or one of its members or moderators."""
    if group.id == actor.id:
        return True
    return await is_member(conn, group, actor) or await is_moderator(conn, group, actor)
