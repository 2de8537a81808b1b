"""WebFinger and NodeInfo clients, against a real loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from federation.addresses import parse_networks
from federation.errors import InvalidHandle, ResolutionError
from federation.fetch import Fetcher, FetchSettings
from federation.nodeinfo import (
    Software,
    fetch_software,
    find_application_actor,
    parse_software,
    pick_nodeinfo_link,
)
from federation.webfinger import find_actor_link, parse_handle, resolve_handle, webfinger_url

from .loopback import LoopbackServer, Received, Reply

AS2_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchSettings(allowed_networks=parse_networks(["127.0.0.0/8"]))) as f:
        yield f


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        ("@alice@social.example", ("alice", "social.example")),
        ("alice@Social.Example", ("alice", "social.example")),
        ("acct:alice@social.example", ("alice", "social.example")),
        ("ACCT:bob_1.x@localhost:8000", ("bob_1.x", "localhost:8000")),
        (" @g@lemmy.example ", ("g", "lemmy.example")),
    ],
)
def test_parse_handle(handle: str, expected: tuple[str, str]) -> None:
    assert parse_handle(handle) == expected


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("alice", "name and a host"),
        ("@alice", "name and a host"),
        ("@@social.example", "name part"),
        ("a b@social.example", "name part"),
        ("alice@", "host part"),
        ("alice@bad_host!", "host part"),
        ("alice@host/path", "host part"),
        ("a@b@c.example", "name part"),
    ],
)
def test_malformed_handles(handle: str, message: str) -> None:
    with pytest.raises(InvalidHandle, match=message):
        parse_handle(handle)


def test_webfinger_url() -> None:
    assert webfinger_url("alice", "social.example") == (
        "https://social.example/.well-known/webfinger?resource=acct%3Aalice%40social.example"
    )


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (
            [{"rel": "self", "type": "application/activity+json", "href": "https://a/u"}],
            "https://a/u",
        ),
        ([{"rel": "self", "type": AS2_PROFILE, "href": "https://a/p"}], "https://a/p"),
        (
            [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": "x"},
                {"rel": "self", "type": "text/html", "href": "https://a/html"},
                {"rel": "self", "type": "application/activity+json", "href": "https://a/ap"},
            ],
            "https://a/ap",
        ),
        ([{"rel": "self", "href": "https://a/untyped"}], None),
        ("not a list", None),
    ],
)
def test_find_actor_link(links: object, expected: str | None) -> None:
    assert find_actor_link({"links": links}) == expected


async def test_resolve_handle(server: LoopbackServer, fetcher: Fetcher) -> None:
    host = f"127.0.0.1:{server.port}"

    def answer(request: Received) -> Reply:
        assert request.target.endswith(f"resource=acct%3Aalice%40127.0.0.1%3A{server.port}")
        return Reply.json(
            {
                "subject": f"acct:alice@{host}",
                "links": [
                    {
                        "rel": "self",
                        "type": "application/activity+json",
                        "href": server.url("/u/alice"),
                    }
                ],
            },
            "application/jrd+json; charset=utf-8",
        )

    server.route("/.well-known/webfinger", answer)
    assert await resolve_handle(fetcher, f"@alice@{host}", scheme="http") == server.url("/u/alice")


async def test_resolve_handle_without_actor_link(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/.well-known/webfinger", Reply.json({"links": []}, "application/jrd+json"))
    with pytest.raises(ResolutionError, match="no ActivityPub self link"):
        await resolve_handle(fetcher, f"bob@127.0.0.1:{server.port}", scheme="http")


def nodeinfo_links(server: LoopbackServer, *, with_actor: bool = True) -> dict[str, object]:
    links = [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": server.url("/ni/2.0")},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": server.url("/ni/2.1")},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/1.0", "href": server.url("/ni/1.0")},
    ]
    if with_actor:
        links.append(
            {
                "rel": "https://www.w3.org/ns/activitystreams#Application",
                "href": server.url("/actor"),
            }
        )
    return {"links": links}


def test_pick_nodeinfo_link_takes_the_highest_2x() -> None:
    base = "http://nodeinfo.diaspora.software/ns/schema/"
    jrd = {
        "links": [
            {"rel": base + "2.0", "href": "a"},
            {"rel": base + "2.10", "href": "c"},
            {"rel": base + "2.1", "href": "b"},
            {"rel": base + "3.0", "href": "d"},
        ]
    }
    assert pick_nodeinfo_link(jrd) == "c"
    assert pick_nodeinfo_link({"links": [{"rel": base + "1.0", "href": "x"}]}) is None
    assert find_application_actor(jrd) is None


async def test_fetch_software(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/.well-known/nodeinfo", Reply.json(nodeinfo_links(server), "application/json"))
    server.route(
        "/ni/2.1",
        Reply.json(
            {"version": "2.1", "software": {"name": "Lemmy", "version": "0.19.3"}},
            'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
        ),
    )
    software = await fetch_software(fetcher, server.base_url + "/")
    assert software == Software("lemmy", "0.19.3", server.url("/actor"))
    assert [r.target for r in server.received] == ["/.well-known/nodeinfo", "/ni/2.1"]


async def test_fetch_software_without_name(server: LoopbackServer, fetcher: Fetcher) -> None:
    links = nodeinfo_links(server, with_actor=False)
    server.route("/.well-known/nodeinfo", Reply.json(links, "application/json"))
    server.route("/ni/2.1", Reply.json({"software": {}}, "application/json"))
    with pytest.raises(ResolutionError, match=r"software\.name"):
        await fetch_software(fetcher, server.base_url)


@pytest.mark.parametrize(
    "links",
    [
        [{"rel": "self", "type": "application/activity+json", "href": "http://a@b.example/u"}],
        [{"rel": "self", "type": "application/activity+json", "href": "data:,x"}],
        [{"rel": "self", "type": ["application/activity+json"], "href": "https://b.example/u"}],
        [{"rel": "self", "type": 5, "href": "https://b.example/u"}],
        [{"rel": "self", "type": "application/activity+json", "href": {"id": "x"}}],
        [None, 5, "x", []],
        {"rel": "self"},
    ],
)
def test_a_jrd_of_the_wrong_shape_names_no_actor(links: object) -> None:
    assert find_actor_link({"links": links}) is None


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"software": "x"},
        {"software": {"name": 5}},
        {"software": {"name": ""}},
        {"software": []},
    ],
)
def test_nodeinfo_of_the_wrong_shape_is_a_resolution_error(document: dict[str, object]) -> None:
    with pytest.raises(ResolutionError):
        parse_software(document)
