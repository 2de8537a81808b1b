"""Rendering our objects to Activity Streams 2.0 documents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from community import urls as u
from community.actors import Actor
from community.audience import group_visibility
from community.posts import Post
from community.urls import Urls

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
#: This project's own JSON-LD namespace (FEDERATION.md, "Our namespace").
FEDIVERSE_NS = "https://fediverse-server.org/ns#"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

# Without the security context, JSON-LD processors (Fedify's, for one) do not see publicKey.
ACTOR_CONTEXT: list[Any] = [
    AS_CONTEXT,
    SECURITY_CONTEXT,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "lemmy": "https://join-lemmy.org/ns#",
        "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
        "fediverse": FEDIVERSE_NS,
        "modlog": {"@id": "fediverse:modlog", "@type": "@id"},
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "recommended": {"@id": "fediverse:recommended", "@type": "@id"},
        "rules": "fediverse:rules",
    },
]

# Mastodon's extension terms that posts with attachments and polls carry
# (``app/lib/activitypub/adapter.rb`` of mastodon/mastodon).
NOTE_CONTEXT: list[Any] = [
    AS_CONTEXT,
    {
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "blurhash": "toot:blurhash",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "votersCount": "toot:votersCount",
    },
]


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, as every implementation parses it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_actor(actor: Actor, public_key_pem: str) -> dict[str, Any]:
    """The actor document of one of our actors (DESIGN.md §4)."""
    doc: dict[str, Any] = {
        "@context": ACTOR_CONTEXT,
        "id": actor.uri,
        "type": actor.type,
        "preferredUsername": actor.username,
        "name": actor.name or actor.username,
        "summary": actor.summary,
        "url": actor.url,
        "inbox": actor.inbox_uri,
        "outbox": actor.outbox_uri,
        "followers": actor.followers_uri,
        "following": actor.following_uri,
        "endpoints": {"sharedInbox": actor.shared_inbox_uri},
        "publicKey": {"id": actor.key_id, "owner": actor.uri, "publicKeyPem": public_key_pem},
        "published": iso(actor.published),
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": actor.discoverable,
    }
    if actor.is_group:
        # A community's visibility as Lemmy puts it on its Group (LemmyNet/lemmy,
        # crates/apub/objects/src/objects/community.rs, into_json): manuallyApprovesFollowers
        # when private (ours are closed, join by approval), discoverable false when unlisted.
        # A private community's profile stays public, so that people can ask to join.
        doc["discoverable"] = actor.discoverable and group_visibility(actor) != "unlisted"
    if actor.icon_url:
        doc["icon"] = {"type": "Image", "url": actor.icon_url}
    if actor.also_known_as:
        doc["alsoKnownAs"] = list(actor.also_known_as)
    if actor.moved_to_uri:
        doc["movedTo"] = actor.moved_to_uri
    if actor.is_group:
        doc["attributedTo"] = actor.moderators_uri
        doc["postingRestrictedToMods"] = actor.posting_policy == "moderators"
        doc["featured"] = actor.featured_uri
        doc["modlog"] = u.endpoint_uri(actor.uri, "modlog")
        doc["recommended"] = u.endpoint_uri(actor.uri, "recommended")
        if actor.rules:
            # No standard property for a community's rules: PieFed keeps its rules apart but
            # leaves them off its Group (theatl-social/pyfedi, app/activitypub/routes.py, the
            # community actor: name, summary, source, postingRestrictedToMods, newModsWanted,
            # privateMods); Lemmy has no rules either, only a free sidebar that it sends as the
            # Group's content and source (LemmyNet/lemmy, crates/apub/objects/src/objects/
            # community.rs, into_json). So ours are fediverse:rules (sanitised HTML), and the
            # summary stays the description.
            doc["rules"] = actor.rules
    return doc


def render_post(post: Post, urls: Urls) -> dict[str, Any]:
    """The AS2 object of one of our posts, as stored, with ``url`` its HTML page.

    Lemmy reads a ``Page``'s link from ``attachment``, not ``url`` (LemmyNet/lemmy,
    ``crates/apub/src/objects/post.rs``, ``from_json``), so ``url`` is free for the page.
    """
    doc = dict(post.raw)
    doc["url"] = urls.post_url(post.uri)
    return doc
