"""Reports: taking a ``Flag`` in for a group's moderators, forwarding it to the servers of its
remote moderators (and only those), and our members' own reports (``POST /api/v1/reports``).

* Every report reaches every moderator of the group concerned: those here as Mastodon's
  ``admin.report`` notification (the reporter shown to them only), those elsewhere by the group
  forwarding the ``Flag`` byte-exact in an ``Announce`` to exactly the servers that host them
  (PieFed and Lemmy forward to moderators' instances: ``LemmyNet/lemmy``
  ``crates/apub/activities/src/community/report.rs``, ``report_inboxes``).
* A member's report is a ``Flag`` of our instance actor (Mastodon's
  ``app/services/report_service.rb``: the reporter unnamed to other servers; ``object`` = the
  account and its statuses; the comment in ``content``). It is filed here for the group's
  moderators when the group is ours, sent to the group's server when it is not, and (``forward``)
  to the reported account's server, as Mastodon does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson

from community.actors import Actor, ensure_instance_actor, find_actor_by_id
from community.governance import moderator_inboxes, moderators_of
from community.moderation import Report, file_report, notify_report
from community.posts import Post, find_post
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.moderation import build_flag, build_forwarded_report
from outbox.errors import ActRefused
from outbox.send import Audience, Outgoing, send

MAX_COMMENT = 1000


async def take_report(
    conn: Conn,
    group: Actor,
    reporter: Actor,
    targets: Sequence[str],
    content: str,
    flag_uri: str,
) -> Report | None:
    """File a report for ``group``'s moderators and notify those here; None: filed before."""
    report = await file_report(conn, flag_uri, reporter, group, targets, content)
    if report is None:
        return None
    post = await _first_post(conn, targets)
    for moderator in await moderators_of(conn, group):
        if moderator.local:
            await notify_report(conn, moderator, report, reporter, post.id if post else None)
    return report


async def _first_post(conn: Conn, uris: Sequence[str]) -> Post | None:
    for uri in uris:
        post = await find_post(conn, uri)
        if post is not None:
            return post
    return None


async def forward_report(
    conn: Conn, urls: Urls, group: Actor, flag_body: str, flag_uri: str
) -> int:
    """``group`` forwards a ``Flag`` to the servers hosting its remote moderators; how many."""
    inboxes = await moderator_inboxes(conn, group)
    if not inboxes:
        return 0
    remote = [m.uri for m in await moderators_of(conn, group) if not m.local]
    forwarded = build_forwarded_report(urls, group, flag_body, flag_uri, remote)
    return await send(conn, group, forwarded, Audience(inboxes=tuple(inboxes), listed=False))


@dataclass(frozen=True)
class MemberReport:
    """What a member reports: an account, some of its posts, why, and whether to tell the
    account's own server."""

    account: Actor
    posts: tuple[Post, ...] = ()
    comment: str = ""
    forward: bool = False


async def report_as_member(
    conn: Conn, urls: Urls, reporter: Actor, what: MemberReport
) -> tuple[Report, bool]:
    """A member's report: filed here (for the group's moderators, or the admins), sent where
    it must go; the report, and whether it left this server."""
    if len(what.comment) > MAX_COMMENT:
        raise ActRefused("invalid", f"a report's comment has at most {MAX_COMMENT} characters")
    group = await _group_of(conn, what)
    instance = await ensure_instance_actor(conn, urls)
    targets = [what.account.uri, *[p.uri for p in what.posts]]
    recipients = _recipients(what, group)
    flag = build_flag(urls, instance, targets, what.comment, [a.uri for a in recipients])
    body, flag_uri = orjson.dumps(flag).decode(), str(flag["id"])
    async with conn.transaction():
        await send(conn, instance, Outgoing.exact(body), Audience(actors=recipients, listed=False))
        if group is None:  # about no group: for the admins
            report = await file_report(conn, flag_uri, reporter, None, targets, what.comment)
        else:
            report = await take_report(conn, group, reporter, targets, what.comment, flag_uri)
        if group is not None and group.local:
            await forward_report(conn, urls, group, body, flag_uri)
    assert report is not None  # a new Flag id: never filed before
    return report, bool(recipients)


def _recipients(what: MemberReport, group: Actor | None) -> tuple[Actor, ...]:
    found: list[Actor] = []
    if group is not None and not group.local:
        found.append(group)
    if what.forward and not what.account.local and what.account != group:
        found.append(what.account)
    return tuple(found)


async def _group_of(conn: Conn, what: MemberReport) -> Actor | None:
    """The group a report concerns: the reported group, or the group of its posts."""
    if what.account.is_group:
        return what.account
    for post in what.posts:
        if post.group_id is not None:
            return await find_actor_by_id(conn, post.group_id)
    return None
