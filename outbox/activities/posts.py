"""What our people post and do to posts: the note, its ``Create`` and ``Delete``, votes,
reblogs, and the ``Update`` of a profile.

Posts are addressed as :mod:`community.audience` decides (``to`` and ``cc`` as Mastodon
addresses each visibility; a private community's posts to the group alone), with ``audience``
and a ``Mention`` of the group for group posts, so Mastodon copies the group into replies
(DESIGN.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from community.actors import Actor
from community.audience import PostAudience, Requested
from community.html import text_to_html
from community.media import Media, to_as2
from community.polls import PollSpec, question_fields
from community.posts import Post
from community.render import AS_PUBLIC, NOTE_CONTEXT
from community.urls import Urls
from outbox.activities.base import activity, new_object_uri, now_iso


@dataclass(frozen=True)
class Composition:
    """What a Mastodon app adds to a post: its audience, warning, language, mentions, tags."""

    #: what the app asked; :mod:`community.audience` decides what the post gets
    visibility: Requested = "public"
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    mentions: tuple[Actor, ...] = ()
    hashtags: tuple[str, ...] = ()
    # the text already rendered, with links for mentions and hashtags
    content_html: str | None = None
    # uploads the post carries, in order (the member's own, not yet carried by another post)
    media: tuple[Media, ...] = ()
    # a poll makes the post a Question
    poll: PollSpec | None = None


def mentioned_in(
    author: Actor, group: Actor | None, parent_author: Actor | None, comp: Composition
) -> list[Actor]:
    """Whom a post mentions: its group, the author replied to, then the app's mentions."""
    mentioned = [group] if group is not None else []
    if parent_author is not None and parent_author.uri != author.uri:
        mentioned.append(parent_author)
    return mentioned + [a for a in comp.mentions if a.uri not in {m.uri for m in mentioned}]


def build_note(
    urls: Urls,
    author: Actor,
    text: str,
    *,
    audience: PostAudience,
    mentioned: list[Actor],
    group: Actor | None,
    parent: Post | None,
    title: str | None,
    composition: Composition | None = None,
) -> dict[str, Any]:
    """A post (``Page`` when it has a title and starts a thread) or a comment (``Note``),
    addressed as its ``audience`` (:func:`community.audience.compose`) says."""
    comp = composition or Composition()
    tags = [{"type": "Mention", "href": a.uri, "name": f"@{a.handle}"} for a in mentioned]
    tags += [{"type": "Hashtag", "href": urls.tag_url(t), "name": f"#{t}"} for t in comp.hashtags]
    content = comp.content_html or text_to_html(text)
    note: dict[str, Any] = {
        "id": new_object_uri(urls),
        "type": "Page" if title and parent is None else "Note",
        "attributedTo": author.uri,
        "content": content,
        "mediaType": "text/html",
        "source": {"content": text, "mediaType": "text/markdown"},
        "to": list(audience.to),
        "cc": list(audience.cc),
        "tag": tags,
        "published": now_iso(),
    }
    note["url"] = urls.post_url(note["id"])  # its page, where "open in browser" leads
    return _decorate(note, comp, title, group, parent)


def _decorate(
    note: dict[str, Any],
    comp: Composition,
    title: str | None,
    group: Actor | None,
    parent: Post | None,
) -> dict[str, Any]:
    """The title, group and parent; a content warning (Mastodon's ``summary`` +
    ``sensitive``) and the language."""
    if title:
        note["name"] = title
    if group is not None:
        note["audience"] = group.uri
    if parent is not None:
        note["inReplyTo"] = parent.uri
    if comp.spoiler_text or comp.sensitive:
        note["sensitive"] = True
    if comp.spoiler_text:
        note["summary"] = comp.spoiler_text
    if comp.language:
        note["contentMap"] = {comp.language: note["content"]}
    return with_extras(note, comp)


def with_extras(note: dict[str, Any], comp: Composition) -> dict[str, Any]:
    """The note's attachments (``Document``s), and its poll (the note becomes a
    ``Question``: ``oneOf``/``anyOf`` with each option's count, ``endTime``, ``votersCount``)."""
    note.pop("attachment", None)
    if comp.media:
        note["attachment"] = [to_as2(m) for m in comp.media]
    if comp.poll is not None:
        spec = comp.poll
        note["type"] = "Question"
        note.update(
            question_fields(
                spec.options,
                [0] * len(spec.options),
                multiple=spec.multiple,
                end_time=spec.end_time(datetime.now(UTC)),
                voters_count=0,
            )
        )
    return note


def build_create(urls: Urls, author: Actor, note: dict[str, Any]) -> dict[str, Any]:
    """``Create`` of ``note``, addressed as the note is."""
    create = activity(
        urls, "Create", author.uri, note, to=note["to"], cc=note["cc"], published=note["published"]
    )
    return with_context(create, note)


def with_context(built: dict[str, Any], note: dict[str, Any]) -> dict[str, Any]:
    """Mastodon's terms (``blurhash``, ``focalPoint``, ``votersCount``) defined when used."""
    if note.get("attachment") or note.get("type") == "Question":
        built["@context"] = NOTE_CONTEXT
    return built


def build_delete(urls: Urls, author: Actor, post: Post, audience: PostAudience) -> dict[str, Any]:
    """``Delete`` of a post (a ``Tombstone``), addressed as :func:`community.audience.withdrawal`
    says (the public, the author's followers and its group; a members-only post's, its group)."""
    tombstone = {"id": post.uri, "type": "Tombstone"}
    to, cc = list(audience.to), list(audience.cc)
    return activity(urls, "Delete", author.uri, tombstone, to=to, cc=cc)


def build_vote(urls: Urls, voter: Actor, kind: str, post: Post, to: list[str]) -> dict[str, Any]:
    """``Like`` (a favourite, an upvote) or ``Dislike`` of a post, to its group and author."""
    return activity(urls, kind, voter.uri, post.uri, to=to, cc=[AS_PUBLIC])


def build_reblog(urls: Urls, person: Actor, post: Post, author: Actor) -> dict[str, Any]:
    """A person's ``Announce`` of a post to their followers (a reblog)."""
    cc = [author.uri, person.followers_uri]
    return activity(
        urls, "Announce", person.uri, post.uri, to=[AS_PUBLIC], cc=cc, published=now_iso()
    )


def build_profile_update(urls: Urls, person: Actor, document: dict[str, Any]) -> dict[str, Any]:
    """``Update`` of an actor's own document (a changed profile), to its followers."""
    return activity(urls, "Update", person.uri, document, to=[AS_PUBLIC], cc=[person.followers_uri])
