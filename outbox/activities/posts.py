"""What our people post and do to posts: the note, its ``Create`` and ``Delete``, votes,
reblogs, and the ``Update`` of a profile.

Posts are addressed as Mastodon and Lemmy both read them (DESIGN.md §4): ``to`` and ``cc`` as
Mastodon addresses each visibility, ``audience`` and a ``Mention`` of the group for group
posts, so Mastodon copies the group into replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from community.actors import Actor
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

    visibility: str = "public"  # public, unlisted, private (followers only) or direct
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


def addressing(
    author: Actor, mentioned: list[Actor], visibility: str
) -> tuple[list[str], list[str]]:
    """``to`` and ``cc`` as Mastodon addresses each visibility (public: to Public)."""
    followers = [author.followers_uri] if author.followers_uri else []
    others = [a.uri for a in mentioned]
    if visibility == "unlisted":
        return followers, [AS_PUBLIC, *others]
    if visibility == "private":
        return followers, others
    if visibility == "direct":
        return others, []
    return [AS_PUBLIC], [*followers, *others]


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
    group: Actor | None,
    parent: Post | None,
    parent_author: Actor | None,
    title: str | None,
    composition: Composition | None = None,
) -> dict[str, Any]:
    """A post (``Page`` when it has a title and starts a thread) or a comment (``Note``)."""
    comp = composition or Composition()
    mentioned = mentioned_in(author, group, parent_author, comp)
    # a closed group's posts are for its members: addressed to the group alone, never to the
    # public or to the author's followers (DESIGN.md §5)
    closed = group is not None and group.manually_approves_followers
    to, cc = addressing(author, mentioned, "direct" if closed else comp.visibility)
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
        "to": to,
        "cc": cc,
        "tag": tags,
        "published": now_iso(),
    }
    return _decorate(note, comp, title, group, parent)


def _decorate(
    note: dict[str, Any],
    comp: Composition,
    title: str | None,
    group: Actor | None,
    parent: Post | None,
) -> dict[str, Any]:
    """The title, group, parent and ``url``; a content warning (Mastodon's ``summary`` +
    ``sensitive``) and the language."""
    if title:
        note["name"] = title
    if group is not None:
        note["audience"] = group.uri
    if parent is not None:
        note["inReplyTo"] = parent.uri
    note["url"] = note["id"]
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


def build_delete(urls: Urls, author: Actor, post: Post, group: Actor | None) -> dict[str, Any]:
    """``Delete`` of a post (a ``Tombstone``), to the public, the author's followers, its group."""
    cc = [c for c in (author.followers_uri, group.uri if group else None) if c]
    tombstone = {"id": post.uri, "type": "Tombstone"}
    return activity(urls, "Delete", author.uri, tombstone, to=[AS_PUBLIC], cc=cc)


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
