"""What moderators (and the admin) do, as every surface asks it: the web pages, the client API
and the CLI call these, never :func:`outbox.governance.submit` with hand-made parameters, and
hold no rule of their own.

Who acts is a :class:`Moderator`: a person (a moderator of the group, here or, for a group on
another server, acting through it), or the admin (the instance actor, marked on the log).
Posts are named by their id or their page; people by the actor they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from community.accounts import is_admin
from community.actors import Actor, ensure_instance_actor, find_actor_by_id
from community.audience import MemberServer, member_servers
from community.membership import is_moderator
from community.moderation import find_post_to_moderate, find_report, held_posts_named
from community.posts import Post
from community.render import iso
from community.software import PRIVATE_REASONS
from community.storage.database import Conn
from community.urls import Urls
from outbox.errors import ActRefused
from outbox.governance import Act, Submitted, Voted, submit, vote

#: The acts on one post, by their kind names.
#: the verbs of the web page's buttons and of ``POST /api/v1/groups/NAME/statuses/ID/VERB`` →
#: the act's kind
POST_ACT_KINDS = {
    "remove": "remove_post",
    "restore": "restore_post",
    "lock": "lock",
    "unlock": "unlock",
    "pin": "pin",
    "unpin": "unpin",
}
POST_ACTS = frozenset(POST_ACT_KINDS.values())


@dataclass(frozen=True)
class Moderator:
    """Who acts: ``actor`` is a person, or the instance actor when ``admin``."""

    actor: Actor
    admin: bool = False


async def as_admin(conn: Conn, urls: Urls) -> Moderator:
    """The admin (the shell's user, or an administrator's act): the instance actor."""
    return Moderator(await ensure_instance_actor(conn, urls), admin=True)


async def acting_in(conn: Conn, urls: Urls, person: Actor, group: Actor) -> Moderator:
    """How ``person`` acts on ``group``: as its moderator; as the admin when they moderate
    it not but administer this server; else as themselves (and the act is refused)."""
    if group.local and not await is_moderator(conn, group, person) and await is_admin(conn, person):
        return await as_admin(conn, urls)
    return Moderator(person)


async def check_moderates(conn: Conn, who: Moderator, group: Actor) -> None:
    """What only moderators see (the queue, reports, bans): ``who`` moderates ``group``, or is
    the admin."""
    if not who.admin and not await is_moderator(conn, group, who.actor):
        raise ActRefused(
            "not_moderator", f"{who.actor.handle} is not a moderator of {group.handle}"
        )


def _act(who: Moderator, group: Actor, kind: str, params: dict[str, object], reason: str) -> Act:
    return Act(group, kind, who.actor, params, reason, by_admin=who.admin)


async def post_and_group(conn: Conn, post_ref: str) -> tuple[Post, Actor]:
    """A post named by id or page, and the group it is in."""
    post = await find_post_to_moderate(conn, post_ref)
    if post is None:
        raise ActRefused("not_found", f"no post {post_ref} here")
    group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
    if group is None:
        raise ActRefused("not_found", f"{post.uri} is in no group")
    return post, group


async def act_on_post(
    conn: Conn, urls: Urls, who: Moderator, kind: str, post_ref: str, reason: str = ""
) -> Submitted:
    """Remove or restore, lock or unlock, pin or unpin a post (named by id or page)."""
    if kind not in POST_ACTS:
        raise ActRefused("invalid", f"{kind} is not an act on a post")
    post, group = await post_and_group(conn, post_ref)
    return await submit(conn, urls, _act(who, group, kind, {"post": post.uri}, reason))


async def ban(
    conn: Conn,
    urls: Urls,
    who: Moderator,
    group: Actor,
    person: Actor,
    *,
    reason: str = "",
    days: int | None = None,
    remove_data: bool = False,
) -> Submitted:
    """Ban ``person`` from ``group`` (for ``days``, or until lifted)."""
    if days is not None and days <= 0:
        raise ActRefused("invalid", "a ban lasts at least one day")
    until = iso(datetime.now(UTC) + timedelta(days=days)) if days else None
    params: dict[str, object] = {"person": person.uri, "until": until, "remove_data": remove_data}
    return await submit(conn, urls, _act(who, group, "ban", params, reason))


async def unban(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, person: Actor, reason: str = ""
) -> Submitted:
    return await submit(conn, urls, _act(who, group, "unban", {"person": person.uri}, reason))


async def change_team(
    conn: Conn,
    urls: Urls,
    who: Moderator,
    group: Actor,
    person: Actor,
    *,
    add: bool,
    reason: str = "",
) -> Submitted:
    """Propose (or, alone, make) ``person`` a moderator, or no longer one."""
    kind = "add_moderator" if add else "remove_moderator"
    return await submit(conn, urls, _act(who, group, kind, {"person": person.uri}, reason))


@dataclass(frozen=True)
class GroupChanges:
    """What ``fediverse group set`` (and ``PATCH /api/v1/groups/NAME``) may change."""

    title: str | None = None
    summary: str | None = None
    posting: str | None = None
    premoderation: str | None = None
    closed: bool | None = None
    quorum: str | None = None
    #: ``public``, ``unlisted`` or ``private`` (docs/private-communities.md)
    visibility: str | None = None
    #: the community's rules (Markdown or HTML, sanitised when applied)
    rules: str | None = None

    def acts(self) -> list[tuple[str, dict[str, object]]]:
        """One act per rule that changes (a profile edit is one act)."""
        acts: list[tuple[str, dict[str, object]]] = []
        given = (("title", self.title), ("summary", self.summary), ("rules", self.rules))
        profile: dict[str, object] = {k: v for k, v in given if v is not None}
        if profile:
            acts.append(("edit_profile", profile))
        for kind, name, value in (
            ("set_posting", "posting", self.posting),
            ("set_premoderation", "premoderation", self.premoderation),
            ("set_closed", "closed", self.closed),
            ("set_quorum", "quorum", self.quorum),
            ("set_visibility", "visibility", self.visibility),
        ):
            if value is not None:
                acts.append((kind, {name: value}))
        return acts


async def set_group(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, changes: GroupChanges, reason: str = ""
) -> list[tuple[str, Submitted]]:
    """Each change submitted as its own act (some apply at once, others need the quorum)."""
    acts = changes.acts()
    if not acts:
        raise ActRefused("invalid", "nothing to change")
    results: list[tuple[str, Submitted]] = []
    async with conn.transaction():
        for kind, params in acts:
            results.append((kind, await submit(conn, urls, _act(who, group, kind, params, reason))))
    return results


async def delete_group(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, reason: str = ""
) -> Submitted:
    return await submit(conn, urls, _act(who, group, "delete_group", {}, reason))


async def decide_held(
    conn: Conn,
    urls: Urls,
    who: Moderator,
    post_ref: str,
    *,
    approve: bool,
    reason: str = "",
    group: Actor | None = None,
) -> Submitted:
    """Approve or reject a post held for moderation (named by id or page)."""
    named = await held_posts_named(conn, post_ref)
    waiting = [h for h in named if group is None or h.group_id == group.id]
    if not waiting:
        raise ActRefused("not_found", f"no post {post_ref} waits for a moderator here")
    held = waiting[0]
    where = group or await find_actor_by_id(conn, held.group_id)
    assert where is not None
    kind = "approve_post" if approve else "reject_post"
    return await submit(conn, urls, _act(who, where, kind, {"post": held.object_uri}, reason))


async def resolve(conn: Conn, urls: Urls, who: Moderator, report_id: int) -> Submitted:
    """Close a report of a group (its moderators')."""
    report = await find_report(conn, report_id)
    group = await find_actor_by_id(conn, report.group_id) if report and report.group_id else None
    if report is None or group is None:
        raise ActRefused("not_found", f"no report #{report_id} about a group here")
    return await submit(conn, urls, _act(who, group, "resolve_report", {"report": report.id}, ""))


async def decide_proposal(
    conn: Conn, urls: Urls, who: Moderator, group: Actor, proposal_id: int, *, approve: bool
) -> Voted:
    """A moderator approves or declines a proposal (the admin acts, it does not vote)."""
    if who.admin:
        raise ActRefused("invalid", "the admin acts directly; only moderators vote on proposals")
    return await vote(conn, urls, group, proposal_id, who.actor, approve=approve)


async def member_servers_seen_by(conn: Conn, who: Moderator, group: Actor) -> list[MemberServer]:
    """The servers where ``group`` has accepted members, and whether each receives its
    members-only posts and why (:func:`community.audience.member_servers`): moderators only."""
    await check_moderates(conn, who, group)
    if not group.local:
        raise ActRefused("invalid", f"{group.handle} is not hosted here")
    return await member_servers(conn, group)


def server_json(server: MemberServer) -> dict[str, object]:
    """A member server as the moderators' API shows it."""
    return {
        "domain": server.domain,
        "members": server.members,
        "software": server.software,
        "version": server.version,
        "receives_private_posts": server.receives,
        "reason": server.reason,
        "explanation": PRIVATE_REASONS[server.reason],
    }
