"""What one live event becomes in one web process: the frames each connected client is sent.

The rules are the timelines' (``community/sql/timelines.sql``), asked of the connected people
only (:mod:`community.streams`), as Mastodon's fan-out decides who gets an entry
(``app/services/fan_out_on_write_service.rb``) and its streaming server filters each client
(``streaming/index.js``, ``streamFrom``: blocks either way, mutes and blocked servers):

* ``update``: a public top-level post to ``public`` (``:local``/``:remote``, ``:media`` with
  attachments), a public post to ``hashtag`` (``:local``) of each of its tags; any new entry
  to the ``user`` stream of those whose home timeline shows it; a group's share of a thread
  to the ``list`` of that group;
* ``status.update`` (an edit) and ``delete`` to the same streams, of the post and its shares;
* ``notification`` to ``user:notification``, and to ``user`` when its token may read them.

An entry is looked up once per event and rendered once per distinct view of it (favourited,
reblogged, bookmarked, muted, one's own), not once per client.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import orjson

from community.events import Event
from community.notifications import get_notification
from community.posts import Post, find_post_by_id
from community.safety import viewers_hiding
from community.statuses import Bundle, Entry, hashtags_of, load_bundle, normalize_tag
from community.storage.database import Conn
from community.streams import ViewerFlags, home_viewers, post_viewers, shares_of, viewer_flags
from community.urls import Urls
from fediverse.api.entities import render_entry, render_notification
from fediverse.api.streaming.clients import Client, Frame, Index, Key, Stream

Target = tuple[Client, Stream]
Delivery = tuple[Client, Frame]
NO_FLAGS = ViewerFlags()


async def plan(conn: Conn, urls: Urls, index: Index, event: Event) -> list[Delivery]:
    if not index.clients:
        return []
    if event.kind == "notification":
        return await _notification(conn, urls, index, event)
    post = await find_post_by_id(conn, event.post_id)
    if post is None:
        return []
    if event.kind == "status":
        return await _update(conn, urls, index, post, event)
    if event.kind == "edit":
        return await _edit(conn, urls, index, post)
    return await _delete(conn, index, post, event)


def public_keys(post: Post) -> list[Key]:
    """The public streams a post is for: none unless public; top-level posts only on
    ``public…`` (as our public timeline); replies too on their tags' streams."""
    if post.visibility != "public":
        return []
    keys: list[Key] = []
    if post.is_top_level:
        where = "public:local" if post.local else "public:remote"
        names = ["public", where]
        if post.raw.get("attachment"):
            names += ["public:media", f"{where}:media"]
        keys += [(name, "") for name in names]
    for tag in sorted({normalize_tag(t) for t in hashtags_of(post.raw)}):
        keys.append(("hashtag", tag))
        if post.local:
            keys.append(("hashtag:local", tag))
    return keys


def _public(index: Index, post: Post) -> list[Target]:
    return [target for key in public_keys(post) for target in index.listening(key)]


def _own(index: Index, people: Iterable[int]) -> list[Target]:
    return [target for person in people for target in index.own("user", person)]


def _lists(index: Index, post: Post, sharer_ids: Iterable[int]) -> list[Target]:
    if not post.is_top_level:
        return []
    return [target for s in sharer_ids for target in index.listening(("list", str(s)))]


async def _unhidden(conn: Conn, targets: list[Target], involved: Sequence[int]) -> list[Target]:
    viewers = sorted({client.viewer_id for client, _ in targets})
    hidden = await viewers_hiding(conn, viewers, involved, notifications=False)
    return [t for t in targets if t[0].viewer_id not in hidden]


async def _update(conn: Conn, urls: Urls, index: Index, post: Post, event: Event) -> list[Delivery]:
    if post.deleted_at is not None:
        return []
    sharer = event.sharer_id
    targets = _public(index, post) if sharer is None else _lists(index, post, [sharer])
    reached = await home_viewers(conn, post.id, sharer, index.people("user"))
    targets += _own(index, reached)
    involved = [post.author_id] if sharer is None else [post.author_id, sharer]
    targets = await _unhidden(conn, targets, involved)
    return await _render(conn, urls, targets, Entry(event.entry_id, post.id, sharer), "update")


async def _edit(conn: Conn, urls: Urls, index: Index, post: Post) -> list[Delivery]:
    targets = _public(index, post)
    targets += _own(index, await post_viewers(conn, post.id, index.people("user")))
    targets += _lists(index, post, [sharer for _, sharer in await shares_of(conn, post.id)])
    targets = await _unhidden(conn, targets, [post.author_id])
    return await _render(conn, urls, targets, Entry(post.id, post.id, None), "status.update")


async def _delete(conn: Conn, index: Index, post: Post, event: Event) -> list[Delivery]:
    """A post's deletion removes it and its shares; an undone share only the share."""
    people = index.people("user")
    if event.entry_id != post.id and event.sharer_id is not None:
        ids = [event.entry_id]
        targets = _own(index, await home_viewers(conn, post.id, event.sharer_id, people))
        targets += _lists(index, post, [event.sharer_id])
    else:
        shares = await shares_of(conn, post.id)
        ids = [post.id] + [share_id for share_id, _ in shares]
        targets = _public(index, post) + _own(index, await post_viewers(conn, post.id, people))
        targets += _lists(index, post, [sharer for _, sharer in shares])
    return [(c, (s.label, "delete", str(i))) for c, s in _once(targets) for i in ids]


def _once(targets: list[Target]) -> list[Target]:
    seen: set[tuple[int, tuple[str, ...]]] = set()
    kept = []
    for client, stream in targets:
        mark = (id(client), stream.label)
        if mark not in seen:
            seen.add(mark)
            kept.append((client, stream))
    return kept


async def _render(
    conn: Conn, urls: Urls, targets: list[Target], entry: Entry, event_name: str
) -> list[Delivery]:
    """One payload per distinct view of the entry (the viewer's marks, and whether it is
    theirs), each rendered as the client API renders it for that viewer."""
    targets = _once(targets)
    if not targets:
        return []
    sharers = [entry.sharer_id] if entry.sharer_id is not None else []
    bundle = await load_bundle(conn, [entry.post_id], sharers, None)
    view = bundle.posts.get(entry.post_id)
    if view is None:
        return []
    viewers = sorted({client.viewer_id for client, _ in targets})
    flags = await viewer_flags(conn, entry.post_id, viewers)
    payloads: dict[tuple[ViewerFlags, bool], str | None] = {}
    deliveries: list[Delivery] = []
    for client, stream in targets:
        mine = flags.get(client.viewer_id, NO_FLAGS)
        key = (mine, client.viewer_id == view.post.author_id)
        if key not in payloads:
            payloads[key] = _payload(entry, bundle, mine, urls, client.viewer_id)
        payload = payloads[key]
        if payload is not None:
            deliveries.append((client, (stream.label, event_name, payload)))
    return deliveries


def _payload(
    entry: Entry, bundle: Bundle, flags: ViewerFlags, urls: Urls, viewer_id: int
) -> str | None:
    view = bundle.posts[entry.post_id]
    marked = replace(
        view,
        favourited=flags.favourited,
        reblogged=flags.reblogged,
        bookmarked=flags.bookmarked,
        muted=flags.muted,
    )
    own = Bundle({**bundle.posts, entry.post_id: marked}, bundle.accounts, bundle.ids_by_uri)
    rendered = render_entry(entry, own, urls, viewer_id)
    return None if rendered is None else orjson.dumps(rendered).decode()


async def _notification(conn: Conn, urls: Urls, index: Index, event: Event) -> list[Delivery]:
    person = event.recipient_id
    targets = list(index.own("user:notification", person))
    targets += [(c, s) for c, s in index.own("user", person) if c.notifications]
    if not targets:
        return []
    note = await get_notification(conn, event.notification_id, person)
    if note is None:
        return []
    posts = [note.post_id] if note.post_id is not None else []
    bundle = await load_bundle(conn, posts, [note.from_actor_id], person)
    rendered = render_notification(note, bundle, urls, person)
    if rendered is None:
        return []
    payload = orjson.dumps(rendered).decode()
    return [(client, (stream.label, "notification", payload)) for client, stream in targets]
