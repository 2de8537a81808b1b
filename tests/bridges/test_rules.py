"""The rules of bridges and the directory, as pure functions: what crosses, what is listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from community.actors import Actor
from community.bridges import Bridge, may_cross, normalise_words, passes_filter
from community.directory import DirectoryQuery, is_listed, tags_of
from community.posts import Post

NOW = datetime(2025, 1, 1, tzinfo=UTC)
GROUP = Actor(
    1,
    "https://s.test/groups/g",
    "Group",
    "g",
    "s.test",
    True,
    "G",
    "",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    False,
    True,
    "members",
    NOW,
    NOW,
)
POST = Post(
    7,
    "https://s.test/objects/1",
    "Note",
    2,
    3,
    None,
    7,
    None,
    "Elm Street lanes",
    "<p>New lanes on Elm Street</p>",
    None,
    False,
    None,
    "public",
    True,
    {},
    NOW,
    None,
    None,
    False,
)


def bridge(filter_: str = "all", words: list[str] | None = None, muted: list[str] | None = None):
    return Bridge(1, 3, filter_, words or [], muted or [])


def test_words_filter_threads_and_replies_follow_their_thread() -> None:
    reply = replace(POST, in_reply_to_uri="https://s.test/objects/0", title="")
    assert passes_filter(bridge(), POST, POST)
    assert passes_filter(bridge(words=["elm"]), POST, POST)
    assert not passes_filter(bridge(words=["oak"]), POST, POST)
    assert not passes_filter(bridge(words=["el"]), POST, POST)  # whole words only
    assert not passes_filter(bridge(muted=["lanes"]), POST, POST)
    assert passes_filter(bridge(), reply, POST)
    assert not passes_filter(bridge(), reply, None)  # its thread did not cross
    assert not passes_filter(bridge("top"), reply, POST)


def test_only_public_content_crosses_bridges() -> None:
    assert may_cross(POST, GROUP)
    for visibility in ("unlisted", "followers", "direct"):
        assert not may_cross(replace(POST, visibility=visibility), GROUP)


def test_the_listing_rule_and_topic_tags() -> None:
    assert is_listed(GROUP)
    assert not is_listed(replace(GROUP, discoverable=False))
    assert not is_listed(replace(GROUP, deleted_at=NOW))
    assert not is_listed(replace(GROUP, type="Person"))
    assert tags_of("<p>Bikes #Cycling and #transit_now, not a#b</p>") == [
        "cycling",
        "transit_now",
    ]
    doc = {"tag": [{"type": "Hashtag", "name": "#Buses"}, {"type": "Mention", "name": "@x"}]}
    assert tags_of("", doc) == ["buses"]


def test_queries_and_words_are_bounded() -> None:
    checked = DirectoryQuery(tag="#Bad Tag", language="english!", limit=500, offset=-3).checked()
    assert checked.tag == "\x00"
    assert checked.language == "\x00"
    assert (checked.limit, checked.offset) == (80, 0)
    assert DirectoryQuery(tag="#Bikes", language="pt-BR").checked().tag == "bikes"
    assert normalise_words([" Elm ", "elm", "", "OAK"]) == ["elm", "oak"]
