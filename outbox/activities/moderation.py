"""Moderation acts as activities, in the shapes others read.

A moderator's acts follow Lemmy's published examples (``LemmyNet/lemmy``
``crates/apub/apub/assets/lemmy/activities/``): ``deletion/remove_note.json`` (a removal is a
``Delete`` by someone other than the author, with the reason in ``summary``) and
``undo_remove_note.json``, ``block/block_user.json`` (a ban: ``Block`` with ``target`` = the
community, ``endTime``, ``removeData``), ``community/lock_page.json``,
``community/add_featured_post.json`` / ``remove_featured_post.json`` (``target`` =
``featured``), ``community/update_community.json``. Each is addressed to the public, with the
group in ``cc`` and ``audience`` (:func:`outbox.activities.governance.in_group`).

What the group sends in its own name: ``Update`` / ``Delete`` of itself (Mastodon reads a
profile change only from the actor itself), ``Block`` / ``Undo{Block}`` of a banned person
(Mastodon's form: the person's server ends their follow), ``Add`` / ``Remove`` to its
``featured``, a forwarded report (``Announce{Flag}``, to its moderators' servers only, as
Lemmy forwards: ``crates/apub/activities/src/community/report.rs``), and reports of ours as
Mastodon sends them (``app/services/report_service.rb``: the instance actor's ``Flag`` whose
``object`` is the account and its statuses, the comment in ``content``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from community.actors import Actor
from community.render import AS_CONTEXT, AS_PUBLIC
from community.urls import Urls
from outbox.activities.base import activity, embedded, new_activity_uri, now_iso
from outbox.activities.governance import in_group
from outbox.send import Outgoing


def _with_reason(act: dict[str, Any], reason: str) -> dict[str, Any]:
    if reason:
        act["summary"] = reason
    return act


def build_removal(
    urls: Urls, moderator: Actor, group: Actor, post_uri: str, reason: str
) -> dict[str, Any]:
    """A moderator removes a post or comment: ``Delete`` with the reason in ``summary``."""
    removal = activity(urls, "Delete", moderator.uri, post_uri, **in_group(group))
    removal["published"] = now_iso()
    return _with_reason(removal, reason)


def build_undo_act(
    urls: Urls, moderator: Actor, group: Actor, undone: dict[str, Any], reason: str = ""
) -> dict[str, Any]:
    """``Undo`` of an earlier act (a removal, a ban, a lock), embedded."""
    undo = activity(urls, "Undo", moderator.uri, embedded(undone), **in_group(group))
    undo["published"] = now_iso()
    return _with_reason(undo, reason)


def build_ban(
    urls: Urls,
    moderator: Actor,
    group: Actor,
    person_uri: str,
    *,
    reason: str,
    until: str | None,
    remove_data: bool,
) -> dict[str, Any]:
    """Lemmy's community ban: ``Block`` of the person with ``target`` = the group."""
    ban = activity(urls, "Block", moderator.uri, person_uri, target=group.uri, **in_group(group))
    ban["removeData"] = remove_data
    if until:
        ban["endTime"] = until
    ban["published"] = now_iso()
    return _with_reason(ban, reason)


def build_lock(
    urls: Urls, moderator: Actor, group: Actor, post_uri: str, reason: str
) -> dict[str, Any]:
    """Lemmy's ``Lock`` of a thread (its post) or of a comment's replies."""
    lock = activity(urls, "Lock", moderator.uri, post_uri, **in_group(group))
    lock["published"] = now_iso()
    return _with_reason(lock, reason)


def build_feature(
    urls: Urls, actor: Actor, group: Actor, post_uri: str, *, pinned: bool
) -> dict[str, Any]:
    """``Add`` / ``Remove`` of a post to / from the group's ``featured`` (pin, unpin)."""
    kind = "Add" if pinned else "Remove"
    fields = {"target": group.featured_uri, **in_group(group), "published": now_iso()}
    return activity(urls, kind, actor.uri, post_uri, **fields)


def build_group_settings(
    urls: Urls, moderator: Actor, group: Actor, changes: dict[str, Any], reason: str
) -> dict[str, Any]:
    """A moderator changes the group's profile or rules: ``Update`` of the group with the
    properties that change."""
    changed = {"id": group.uri, "type": "Group", **changes}
    update = activity(urls, "Update", moderator.uri, changed, **in_group(group))
    update["published"] = now_iso()
    return _with_reason(update, reason)


def build_group_deletion(urls: Urls, moderator: Actor, group: Actor, reason: str) -> dict[str, Any]:
    """Moderators delete the community (Lemmy: ``Delete`` of the community by a moderator)."""
    deletion = activity(urls, "Delete", moderator.uri, group.uri, **in_group(group))
    deletion["published"] = now_iso()
    return _with_reason(deletion, reason)


def build_self_update(urls: Urls, group: Actor, document: dict[str, Any]) -> dict[str, Any]:
    """The group's own ``Update`` of its actor document (Mastodon reads only this one)."""
    cc = [group.followers_uri]
    doc = embedded(document)
    return activity(urls, "Update", group.uri, doc, to=[AS_PUBLIC], cc=cc, published=now_iso())


def build_self_deletion(urls: Urls, group: Actor) -> dict[str, Any]:
    """The group deletes itself (for Mastodon: an account gone)."""
    cc = [group.followers_uri]
    return activity(urls, "Delete", group.uri, group.uri, to=[AS_PUBLIC], cc=cc)


def build_group_block(
    urls: Urls, group: Actor, person_uri: str, reason: str, until: str | None
) -> dict[str, Any]:
    """The group blocks a banned person (Mastodon's form), addressed to that person."""
    block = activity(urls, "Block", group.uri, person_uri, to=[person_uri], cc=[])
    if until:
        block["endTime"] = until
    return _with_reason(block, reason)


def build_flag(
    urls: Urls, instance: Actor, targets: Sequence[str], content: str, to: Sequence[str]
) -> dict[str, Any]:
    """A report of ours as Mastodon sends it: by the instance actor, so the reporter stays
    unnamed; ``object`` = the account and its statuses; the comment in ``content``."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Flag",
        "actor": instance.uri,
        "content": content,
        "object": list(targets),
        "to": list(to),
    }


def build_forwarded_report(
    urls: Urls, group: Actor, flag_body: str, flag_uri: str, to: Sequence[str]
) -> Outgoing:
    """The group forwards a report to its moderators' servers: ``Announce{the Flag}``, the
    Flag byte-exact, addressed to those moderators only (never to the public)."""
    envelope = {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Announce",
        "actor": group.uri,
        "to": list(to),
        "cc": [],
        "audience": group.uri,
        "published": now_iso(),
    }
    head = orjson.dumps(envelope)
    body = head[:-1].decode() + ',"object":' + flag_body.strip() + "}"
    uri = str(envelope["id"])
    return Outgoing(uri, "Announce", body, flag_uri, addressed_to_public=False)
