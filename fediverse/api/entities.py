"""Mastodon entities rendered from our rows.

Shapes follow mastodon/mastodon ``app/serializers/rest/account_serializer.rb``,
``status_serializer.rb``, ``relationship_serializer.rb`` and ``notification_serializer.rb``
(and docs.joinmastodon.org/entities): ids are strings of our table ids, times are ISO 8601
with milliseconds, and fields we do not have are present with Mastodon's empty values, since
apps expect them.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

import asyncpg

from community.actors import Actor
from community.audience import mention_uris
from community.html import html_to_text
from community.notifications import Notification
from community.statuses import AccountView, Bundle, Entry, PostView, hashtags_of
from community.urls import Urls
from fediverse.api.attachments import render_media, render_poll

JSON = dict[str, Any]
VISIBILITY = {"followers": "private", "members": "private"}  # our words → Mastodon's


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def default_avatar_url(urls: Urls) -> str:
    return f"{urls.base_url}/avatars/original/missing.png"


def default_header_url(urls: Urls) -> str:
    return f"{urls.base_url}/headers/original/missing.png"


def render_account(view: AccountView, urls: Urls, *, source: bool = False) -> JSON:
    actor = view.actor
    avatar = actor.icon_url or default_avatar_url(urls)
    created = actor.published.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    account: JSON = {
        "id": str(actor.id),
        "username": actor.username,
        "acct": _acct(actor),
        "display_name": actor.name or "",
        "locked": actor.manually_approves_followers,
        "bot": actor.type in ("Service", "Application"),
        "discoverable": actor.discoverable,
        "indexable": actor.discoverable,
        "group": actor.is_group,
        "created_at": iso(created),
        "note": actor.summary or "",
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": default_header_url(urls),
        "header_static": default_header_url(urls),
        "followers_count": view.followers_count,
        "following_count": view.following_count,
        "statuses_count": view.statuses_count,
        "last_status_at": view.last_status_at.date().isoformat() if view.last_status_at else None,
        "hide_collections": False,
        "emojis": [],
        "fields": [],
        "roles": [],
    }
    if actor.local:
        account["noindex"] = not actor.discoverable
    if source:
        account.update(_credentials(actor))
    return account


def _credentials(actor: Actor) -> JSON:
    """What only the account's own person sees (``credential_account_serializer.rb``)."""
    source = {
        "note": html_to_text(actor.summary),
        "fields": [],
        "privacy": "public",
        "sensitive": False,
        "language": None,
        "follow_requests_count": 0,
        "hide_collections": False,
        "discoverable": actor.discoverable,
        "indexable": False,
    }
    role = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}
    return {"source": source, "role": role}


def _acct(actor: Actor) -> str:
    """``name`` for our accounts, ``name@host`` for others' (as Mastodon writes it)."""
    return actor.username if actor.local else f"{actor.username}@{actor.domain}"


def _content(view: PostView) -> str:
    post = view.post
    if post.deleted_at is not None:
        return ""
    title = post.raw.get("name") if post.type in ("Page", "Article") else None
    if isinstance(title, str) and title.strip():
        return f"<p><strong>{html.escape(title.strip())}</strong></p>{post.content_html}"
    return post.content_html


def _mentions(view: PostView, bundle: Bundle) -> list[JSON]:
    found = []
    for uri in dict.fromkeys(mention_uris(view.post.raw)):
        actor_id = bundle.ids_by_uri.get(uri)
        account = bundle.accounts.get(actor_id) if actor_id is not None else None
        if account is not None:
            a = account.actor
            url = a.url or a.uri
            found.append({"id": str(a.id), "username": a.username, "url": url, "acct": _acct(a)})
    return found


def render_post(view: PostView, bundle: Bundle, urls: Urls, viewer_id: int | None) -> JSON:
    post = view.post
    author = bundle.accounts[post.author_id]
    status: JSON = {
        "id": str(post.id),
        "created_at": iso(post.published),
        "in_reply_to_id": str(view.parent_id) if view.parent_id else None,
        "in_reply_to_account_id": str(view.parent_author_id) if view.parent_author_id else None,
        "sensitive": post.sensitive,
        "spoiler_text": post.summary or "",
        "visibility": VISIBILITY.get(post.visibility, post.visibility),
        "language": post.language,
        "uri": post.uri,
        "url": post.url or post.uri,
        "replies_count": view.replies_count,
        "reblogs_count": view.reblogs_count,
        "favourites_count": view.favourites_count,
        "edited_at": iso(post.updated),
        "content": _content(view),
        "reblog": None,
        "application": None,
        "account": render_account(author, urls),
        "media_attachments": [render_media(m) for m in bundle.media.get(post.id, [])],
        "mentions": _mentions(view, bundle),
        "tags": [{"name": t, "url": urls.tag_url(t)} for t in hashtags_of(post.raw)],
        "emojis": [],
        "card": None,
        "poll": _poll(view, bundle, viewer_id),
    }
    if viewer_id is not None:
        status.update(
            favourited=view.favourited,
            reblogged=view.reblogged,
            muted=view.muted,
            bookmarked=view.bookmarked,
            filtered=[],
        )
        if post.author_id == viewer_id:
            status["pinned"] = False
    return status


def _poll(view: PostView, bundle: Bundle, viewer_id: int | None) -> JSON | None:
    poll = bundle.polls.get(view.post.id)
    return None if poll is None else render_poll(poll, viewer_id, view.post.author_id)


def render_entry(entry: Entry, bundle: Bundle, urls: Urls, viewer_id: int | None) -> JSON | None:
    """A timeline entry: the post, or (shared) a reblog whose ``reblog`` is the post."""
    view = bundle.posts.get(entry.post_id)
    if view is None:
        return None
    inner = render_post(view, bundle, urls, viewer_id)
    sharer = bundle.accounts.get(entry.sharer_id) if entry.sharer_id else None
    if sharer is None:
        return inner
    return {
        **inner,
        "id": str(entry.entry_id),
        "uri": f"{inner['uri']}#shared-by-{sharer.actor.id}",
        "account": render_account(sharer, urls),
        "reblog": inner,
        "content": "",
        "spoiler_text": "",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "mentions": [],
        "tags": [],
        "media_attachments": [],
        "poll": None,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
    }


def render_relationship(account_id: int, record: asyncpg.Record | None) -> JSON:
    following = record["following_state"] if record else None
    followed_by = record["followed_by_state"] if record else None

    def flag(name: str) -> bool:
        return bool(record[name]) if record else False

    return {
        "id": str(account_id),
        "following": following == "accepted",
        "showing_reblogs": following == "accepted",
        "notifying": False,
        "languages": None,
        "followed_by": followed_by == "accepted",
        "blocking": flag("blocking"),
        "blocked_by": flag("blocked_by"),
        "muting": flag("muting"),
        "muting_notifications": flag("muting_notifications"),
        "requested": following == "pending",
        "requested_by": followed_by == "pending",
        "domain_blocking": flag("domain_blocking"),
        "endorsed": False,
        "note": "",
    }


def render_notification(
    note: Notification, bundle: Bundle, urls: Urls, viewer_id: int
) -> JSON | None:
    account = bundle.accounts.get(note.from_actor_id)
    if account is None:
        return None
    rendered: JSON = {
        "id": str(note.id),
        "type": note.kind,
        "created_at": iso(note.created_at),
        "group_key": f"ungrouped-{note.id}",
        "account": render_account(account, urls),
    }
    if note.post_id is not None:
        view = bundle.posts.get(note.post_id)
        if view is None:
            return None
        rendered["status"] = render_post(view, bundle, urls, viewer_id)
    if note.report_id is not None:  # Mastodon's admin.report: the report, for its moderators
        rendered["report"] = {"id": str(note.report_id), "category": "other"}
    return rendered
