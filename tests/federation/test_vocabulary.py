"""Vocabulary models parse real payloads (Lemmy's and Mastodon's documented examples)."""

from __future__ import annotations

import json

import pytest

from federation.errors import VocabularyError
from federation.vocabulary import (
    AS_PUBLIC,
    Accept,
    Activity,
    Add,
    Announce,
    ASObject,
    Block,
    Create,
    Delete,
    Dislike,
    Flag,
    Follow,
    Group,
    Hashtag,
    Image,
    Like,
    Link,
    Mention,
    Note,
    Page,
    Person,
    Undo,
    id_of,
    ids_of,
    is_as2_media_type,
    is_public,
    parse_activity,
    parse_actor,
    parse_object,
)
from federation.vocabulary.base import ASObject as BaseObject

from .conftest import FIXTURES, load_fixture


@pytest.mark.parametrize(
    ("fixture", "model"),
    [
        ("lemmy/follow.json", Follow),
        ("lemmy/accept.json", Accept),
        ("lemmy/undo_follow.json", Undo),
        ("lemmy/announce_create_page.json", Announce),
        ("lemmy/create_note.json", Create),
        ("lemmy/add_mod.json", Add),
        ("lemmy/report_page.json", Flag),
        ("lemmy/like_note.json", Like),
        ("lemmy/dislike_page.json", Dislike),
        ("lemmy/undo_like_note.json", Undo),
        ("lemmy/delete_page.json", Delete),
        ("lemmy/block_user.json", Block),
    ],
)
def test_lemmy_activities_parse_and_round_trip(fixture: str, model: type[Activity]) -> None:
    raw = (FIXTURES / fixture).read_bytes()
    activity = parse_activity(raw)
    assert type(activity) is model
    assert activity.raw_bytes == raw
    assert activity.raw_json == json.loads(raw)
    assert activity.model_dump(exclude_none=True) == json.loads(raw)


def test_accept_embeds_the_follow() -> None:
    accept = parse_activity(load_fixture("lemmy/accept.json"))
    assert isinstance(accept.object, Follow)
    assert accept.object.actor_uri == "http://ds9.lemmy.ml/u/lemmy_alpha"
    assert accept.object_uri == (
        "http://ds9.lemmy.ml/activities/follow/6abcd50b-b8ca-4952-86b0-a6dd8cc12866"
    )


def test_announce_of_create_of_page() -> None:
    announce = parse_activity(load_fixture("lemmy/announce_create_page.json"))
    assert isinstance(announce.object, Create)
    assert isinstance(announce.object.object, Page)
    assert announce.object.object.name == "post 4"
    assert announce.object.object.model_extra == {"commentsEnabled": True, "stickied": False}
    assert ids_of(announce.cc) == ["http://enterprise.lemmy.ml/c/main/followers"]
    assert is_public(ids_of(announce.to))


def test_unknown_fields_are_kept() -> None:
    block = parse_activity(load_fixture("lemmy/block_user.json"))
    assert block.model_extra == {"removeData": True, "expires": "2021-11-01T12:23:50.151874Z"}
    assert id_of(block.target) == "http://enterprise.lemmy.ml/c/main"


def test_lemmy_group() -> None:
    group = parse_actor(load_fixture("lemmy/group.json"))
    assert isinstance(group, Group)
    assert group.preferred_username == "tenforward"
    assert group.moderators_uri == "https://enterprise.lemmy.ml/c/tenforward/moderators"
    assert group.posting_restricted_to_mods is False
    assert group.delivery_inbox_uri == "https://enterprise.lemmy.ml/inbox"
    assert group.outbox == "https://enterprise.lemmy.ml/c/tenforward/outbox"
    key = group.find_key("https://enterprise.lemmy.ml/c/tenforward#main-key")
    assert key is not None
    assert key.owner == group.id
    assert (key.public_key_pem or "").startswith("-----BEGIN PUBLIC KEY-----")
    assert isinstance(group.icon, Image)


def test_lemmy_person_without_shared_inbox_falls_back() -> None:
    data = load_fixture("lemmy/person.json")
    del data["endpoints"]
    person = parse_actor(data)
    assert isinstance(person, Person)
    assert person.delivery_inbox_uri == "https://enterprise.lemmy.ml/u/picard/inbox"
    assert person.model_extra == {"matrixUserId": "@picard:matrix.org"}


def test_several_public_keys() -> None:
    data = load_fixture("mastodon/actor_public_key.json")
    first = data["publicKey"]
    data["publicKey"] = [first, {**first, "id": "https://mastodon.social/users/Gargron#ed"}]
    actor = parse_actor(data)
    assert [key.id for key in actor.public_keys()] == [
        "https://mastodon.social/users/Gargron#main-key",
        "https://mastodon.social/users/Gargron#ed",
    ]
    assert actor.json_ld_context[1] == "https://w3id.org/security/v1"


def test_lemmy_page_and_note() -> None:
    page = parse_object(load_fixture("lemmy/page.json"))
    assert isinstance(page, Page)
    assert isinstance(page.attachment, list)
    assert isinstance(page.attachment[0], Link)
    assert page.attachment[0].href == "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png"
    assert page.context == "https://enterprise.lemmy.ml/post/55143/context"
    note = parse_object(load_fixture("lemmy/note.json"))
    assert isinstance(note, Note)
    assert id_of(note.in_reply_to) == "https://enterprise.lemmy.ml/post/55143"


def test_mastodon_documented_notes() -> None:
    emoji = parse_object(load_fixture("mastodon/note_emoji.json"))
    assert isinstance(emoji.tag, list)
    assert type(emoji.tag[0]) is BaseObject  # Emoji: unknown type, kept generically
    assert emoji.tag[0].model_dump(exclude_none=True)["icon"]["url"].endswith("kappa.png")
    focal = parse_object(load_fixture("mastodon/note_focal_point.json"))
    assert isinstance(focal.attachment, list)
    attachment = focal.attachment[0]
    assert isinstance(attachment, Image)
    assert attachment.model_extra == {"focalPoint": [-0.55, 0.43]}


def test_mention_and_hashtag_tags() -> None:
    note = parse_object(
        {
            "id": "https://a.example/notes/1",
            "type": "Note",
            "tag": [
                {"type": "Mention", "href": "https://b.example/c/g", "name": "@g@b.example"},
                {"type": "Hashtag", "href": "https://a.example/tags/x", "name": "#x"},
            ],
        }
    )
    assert isinstance(note.tag, list)
    assert [type(tag) for tag in note.tag] == [Mention, Hashtag]


def test_id_helpers() -> None:
    assert id_of("x") == "x"
    assert id_of({"id": "y"}) == "y"
    assert id_of([{"id": "z"}, "w"]) == "z"
    assert id_of(ASObject(id="m")) == "m"
    assert id_of(None) is None
    assert id_of([]) is None
    assert ids_of(["a", {"id": "b"}, {"type": "Note"}, ASObject(id="c")]) == ["a", "b", "c"]
    assert ids_of("a") == ["a"]
    assert ids_of(None) == []


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/activity+json", True),
        ("application/activity+json; charset=utf-8", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("Application/LD+JSON", True),
        ("application/json", False),
        ("text/html; charset=utf-8", False),
        ("", False),
        (None, False),
    ],
)
def test_is_as2_media_type(content_type: str | None, expected: bool) -> None:
    assert is_as2_media_type(content_type) is expected


def test_is_public_accepts_compacted_forms() -> None:
    assert is_public([AS_PUBLIC])
    assert is_public(["as:Public"])
    assert not is_public(["https://a.example/followers"])


@pytest.mark.parametrize(
    ("data", "parser"),
    [
        (b"not json", parse_object),
        (b"[1, 2]", parse_object),
        ({"type": "Note", "id": "x"}, parse_activity),
        ({"type": "Follow", "id": "x"}, parse_actor),
        ({"type": "Note", "id": 5}, parse_object),
    ],
)
def test_invalid_input(data: object, parser: object) -> None:
    assert callable(parser)
    with pytest.raises(VocabularyError):
        parser(data)
