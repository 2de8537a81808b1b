"""Fetching against real HTTP servers on 127.0.0.1: guard, limits, redirects, ids, statuses,
signatures and the double-knock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from federation.addresses import parse_networks
from federation.auth import InMemorySchemeMemory
from federation.errors import (
    FetchTimeout,
    Gone,
    NotAnObject,
    NotFound,
    RefusedAddress,
    TooLarge,
    TooManyRedirects,
    Unauthorized,
    Unavailable,
    UnexpectedStatus,
)
from federation.fetch import Fetcher, FetchSettings, SigningIdentity, json_depth
from federation.keys import load_public_key
from federation.reasons import Scheme
from federation.verify import detect_scheme, verify_request

from .loopback import LoopbackServer, Received, Reply

LOOPBACK = parse_networks(["127.0.0.0/8"])
KEY_ID = "https://our.example/actor#main-key"


@pytest.fixture
def settings() -> FetchSettings:
    return FetchSettings(allowed_networks=LOOPBACK, total_timeout=5.0, max_body_bytes=4096)


@pytest.fixture
def memory() -> InMemorySchemeMemory:
    return InMemorySchemeMemory()


@pytest.fixture
async def fetcher(
    settings: FetchSettings, rsa_pair: tuple[str, str], memory: InMemorySchemeMemory
) -> AsyncIterator[Fetcher]:
    signer = SigningIdentity.from_pem(KEY_ID, rsa_pair[0])
    async with Fetcher(settings, signer, scheme_memory=memory) as instance:
        yield instance


def document(server: LoopbackServer, path: str, **extra: object) -> Reply:
    return Reply.json({"id": server.url(path), "type": "Note", **extra})


async def test_fetches_a_document(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/notes/1", document(server, "/notes/1", content="hi"))
    fetched = await fetcher.fetch_document(server.url("/notes/1"))
    assert fetched.url == server.url("/notes/1")
    assert fetched.json["content"] == "hi"
    assert fetched.raw.startswith(b"{")
    request = server.received[0]
    assert request.headers["accept"] == (
        'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    )
    assert request.headers["host"] == f"127.0.0.1:{server.port}"
    assert 'keyId="https://our.example/actor#main-key"' in request.headers["signature"]


async def test_get_signature_verifies(
    server: LoopbackServer, fetcher: Fetcher, rsa_pair: tuple[str, str]
) -> None:
    server.route("/notes/1", document(server, "/notes/1"))
    await fetcher.fetch_document(server.url("/notes/1"))
    request = server.received[0]
    result = verify_request(
        "GET",
        server.url(request.target),
        request.headers,
        request.body,
        load_public_key(rsa_pair[1]),
        datetime.now(UTC),
    )
    assert result.ok, result


async def test_fragment_is_not_sent(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/users/a", document(server, "/users/a"))
    fetched = await fetcher.fetch_document(server.url("/users/a#main-key"))
    assert fetched.url == server.url("/users/a")
    assert [r.target for r in server.received] == ["/users/a"]


async def test_loopback_is_refused_without_the_allow_list(server: LoopbackServer) -> None:
    server.route("/notes/1", document(server, "/notes/1"))
    async with Fetcher() as fetcher:
        with pytest.raises(RefusedAddress) as caught:
            await fetcher.fetch_document(server.url("/notes/1"))
    assert caught.value.reason == "loopback"
    assert caught.value.address == "127.0.0.1"
    assert server.received == []


async def test_a_name_resolving_to_loopback_is_refused(server: LoopbackServer) -> None:
    async with Fetcher() as fetcher:
        with pytest.raises(RefusedAddress) as caught:
            await fetcher.fetch_document(f"http://localhost:{server.port}/notes/1")
    assert caught.value.reason == "loopback"
    assert server.received == []


async def test_a_name_on_loopback_is_allowed_by_the_allow_list(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    url = f"http://localhost:{server.port}/notes/1"
    server.route("/notes/1", Reply.json({"id": url, "type": "Note"}))
    fetched = await fetcher.fetch_document(url)
    assert fetched.url == url
    assert server.received[0].headers["host"] == f"localhost:{server.port}"


async def test_declared_oversized_body(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/big", Reply.json({"id": server.url("/big"), "pad": "x" * 5000}))
    with pytest.raises(TooLarge, match="Content-Length"):
        await fetcher.fetch_document(server.url("/big"))


async def test_streamed_oversized_body_is_cut(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route(
        "/big",
        Reply(headers={"Content-Type": "application/activity+json"}, chunks=[b"x" * 1000] * 10),
    )
    with pytest.raises(TooLarge, match="body over 4096"):
        await fetcher.fetch_document(server.url("/big"))


async def test_drip_feeding_server_hits_the_total_timeout(
    server: LoopbackServer, rsa_pair: tuple[str, str]
) -> None:
    chunks = [b'{"id": "x", "pad": "'] + [b"x"] * 100 + [b'"}']
    server.route(
        "/slow",
        Reply(headers={"Content-Type": "application/activity+json"}, chunks=chunks, delay=0.05),
    )
    settings = FetchSettings(allowed_networks=LOOPBACK, read_timeout=2.0, total_timeout=0.4)
    async with Fetcher(settings, SigningIdentity.from_pem(KEY_ID, rsa_pair[0])) as fetcher:
        with pytest.raises(FetchTimeout, match="total timeout"):
            await fetcher.fetch_document(server.url("/slow"))


async def test_silent_server_hits_the_read_timeout(
    server: LoopbackServer, rsa_pair: tuple[str, str]
) -> None:
    server.route(
        "/silent",
        Reply(headers={"Content-Type": "application/activity+json"}, chunks=[b"{}"], delay=2.0),
    )
    settings = FetchSettings(allowed_networks=LOOPBACK, read_timeout=0.2, total_timeout=5.0)
    async with Fetcher(settings) as fetcher:
        with pytest.raises(FetchTimeout, match="ReadTimeout"):
            await fetcher.fetch_document(server.url("/silent"))


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location})


async def test_three_redirects_are_followed(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/r1", redirect("/r2"))
    server.route("/r2", redirect(server.url("/r3"), 301))
    server.route("/r3", redirect("/final", 308))
    server.route("/final", document(server, "/final"))
    fetched = await fetcher.fetch_document(server.url("/r1"))
    assert fetched.url == server.url("/final")
    assert all("signature" in r.headers for r in server.received)


async def test_a_fourth_redirect_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    for hop in range(1, 5):
        server.route(f"/r{hop}", redirect(f"/r{hop + 1}"))
    server.route("/r5", document(server, "/r5"))
    with pytest.raises(TooManyRedirects):
        await fetcher.fetch_document(server.url("/r1"))
    assert len(server.received) == 4


async def test_redirect_loop(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))
    with pytest.raises(TooManyRedirects):
        await fetcher.fetch_document(server.url("/a"))


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/x", "private"),
        ("http://[::1]:80/x", "loopback"),
    ],
)
async def test_redirect_to_a_refused_address(
    server: LoopbackServer, fetcher: Fetcher, target: str, reason: str
) -> None:
    server.route("/go", redirect(target))
    with pytest.raises(RefusedAddress) as caught:
        await fetcher.fetch_document(server.url("/go"))
    assert caught.value.reason == reason


async def test_id_mismatch_is_refetched_from_the_id(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/alias", Reply.json({"id": server.url("/canonical"), "type": "Note"}))
    server.route("/canonical", document(server, "/canonical", content="real"))
    fetched = await fetcher.fetch_document(server.url("/alias"))
    assert (fetched.url, fetched.json["content"]) == (server.url("/canonical"), "real")


async def test_id_that_still_mismatches_is_refused(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/alias", Reply.json({"id": server.url("/canonical")}))
    server.route("/canonical", Reply.json({"id": server.url("/elsewhere")}))
    with pytest.raises(NotAnObject, match="id does not match"):
        await fetcher.fetch_document(server.url("/alias"))
    assert [r.target for r in server.received] == ["/alias", "/canonical"]


async def test_foreign_host_id_is_only_believed_from_that_host(
    server: LoopbackServer, other_server: LoopbackServer, fetcher: Fetcher
) -> None:
    # server claims to hold other_server's object: the copy from other_server wins.
    forged = {"id": other_server.url("/notes/9"), "content": "forged"}
    server.route("/notes/9", Reply.json(forged))
    other_server.route("/notes/9", document(other_server, "/notes/9", content="genuine"))
    fetched = await fetcher.fetch_document(server.url("/notes/9"))
    assert (fetched.url, fetched.json["content"]) == (other_server.url("/notes/9"), "genuine")


async def test_foreign_host_that_disowns_the_object(
    server: LoopbackServer, other_server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/notes/9", Reply.json({"id": other_server.url("/notes/9")}))
    other_server.route("/notes/9", Reply.json({"id": server.url("/notes/9")}))
    with pytest.raises(NotAnObject, match="id does not match"):
        await fetcher.fetch_document(server.url("/notes/9"))


async def test_document_without_id(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/anon", Reply.json({"type": "Note"}))
    with pytest.raises(NotAnObject, match="no id"):
        await fetcher.fetch_document(server.url("/anon"))


@pytest.mark.parametrize(
    ("content_type", "accepted"),
    [
        ("application/activity+json", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("application/ld+json", True),
        ("application/json", False),
        ("text/html; charset=utf-8", False),
    ],
)
async def test_content_type(
    server: LoopbackServer, fetcher: Fetcher, content_type: str, accepted: bool
) -> None:
    server.route("/n", Reply.json({"id": server.url("/n")}, content_type=content_type))
    if accepted:
        assert (await fetcher.fetch_document(server.url("/n"))).content_type == content_type
    else:
        with pytest.raises(NotAnObject, match="not an AS2 content type"):
            await fetcher.fetch_document(server.url("/n"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html></html>", "not JSON"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"a": ' * 65 + b"1" + b"}" * 65, "nested too deep"),
    ],
)
async def test_body_shape(
    server: LoopbackServer, fetcher: Fetcher, body: bytes, message: str
) -> None:
    server.route("/n", Reply(headers={"Content-Type": "application/activity+json"}, body=body))
    with pytest.raises(NotAnObject, match=message):
        await fetcher.fetch_document(server.url("/n"))


def test_json_depth() -> None:
    assert json_depth(1) == 0
    assert json_depth({}) == 1
    assert json_depth({"a": [{"b": []}]}) == 4


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (410, Gone),
        (404, NotFound),
        (401, Unauthorized),
        (403, Unauthorized),
        (500, Unavailable),
        (503, Unavailable),
        (429, Unavailable),
        (418, UnexpectedStatus),
    ],
)
async def test_status_mapping(
    server: LoopbackServer, fetcher: Fetcher, status: int, error: type[Exception]
) -> None:
    server.route("/n", Reply(status))
    with pytest.raises(error) as caught:
        await fetcher.fetch_document(server.url("/n"))
    assert getattr(caught.value, "status", None) == status


async def test_connection_refused_is_unavailable(fetcher: Fetcher) -> None:
    closed = LoopbackServer()
    await closed.start()
    url = closed.url("/n")
    await closed.stop()
    with pytest.raises(Unavailable, match="connection failed"):
        await fetcher.fetch_document(url)


def accepting_only(scheme: Scheme, server: LoopbackServer, key_pem: str) -> Reply | object:
    def handle(request: Received) -> Reply:
        result = verify_request(
            request.method,
            server.url(request.target),
            request.headers,
            request.body,
            load_public_key(key_pem),
            datetime.now(UTC),
        )
        if not result.ok or result.scheme != scheme:
            return Reply(401)
        return Reply.json({"id": server.url(request.target)})

    return handle


async def test_double_knock_falls_back_to_rfc9421_and_remembers(
    server: LoopbackServer,
    fetcher: Fetcher,
    memory: InMemorySchemeMemory,
    rsa_pair: tuple[str, str],
) -> None:
    server.route("/n", accepting_only("rfc9421", server, rsa_pair[1]))
    await fetcher.fetch_document(server.url("/n"))
    assert [detect_scheme(r.headers) for r in server.received] == ["cavage", "rfc9421"]
    assert memory.schemes == {f"127.0.0.1:{server.port}": "rfc9421"}
    await fetcher.fetch_document(server.url("/n"))
    assert detect_scheme(server.received[2].headers) == "rfc9421"
    assert len(server.received) == 3


async def test_double_knock_back_to_cavage(
    server: LoopbackServer,
    fetcher: Fetcher,
    memory: InMemorySchemeMemory,
    rsa_pair: tuple[str, str],
) -> None:
    host = f"127.0.0.1:{server.port}"
    memory.schemes[host] = "rfc9421"
    server.route("/n", accepting_only("cavage", server, rsa_pair[1]))
    await fetcher.fetch_document(server.url("/n"))
    assert [detect_scheme(r.headers) for r in server.received] == ["rfc9421", "cavage"]
    assert memory.schemes[host] == "cavage"


async def test_double_knock_gives_up_after_two(
    server: LoopbackServer, fetcher: Fetcher, memory: InMemorySchemeMemory
) -> None:
    server.route("/n", Reply(401))
    with pytest.raises(Unauthorized):
        await fetcher.fetch_document(server.url("/n"))
    assert len(server.received) == 2
    assert memory.schemes == {}


async def test_fetch_json(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/jrd", Reply.json({"subject": "acct:a@b"}, "application/jrd+json"))
    server.route("/html", Reply(headers={"Content-Type": "text/html"}, body=b"{}"))
    fetched = await fetcher.fetch_json(server.url("/jrd"))
    assert fetched.json == {"subject": "acct:a@b"}
    with pytest.raises(NotAnObject, match="not a JSON content type"):
        await fetcher.fetch_json(server.url("/html"))


async def test_unsigned_fetcher_sends_no_signature(
    server: LoopbackServer, settings: FetchSettings
) -> None:
    server.route("/n", document(server, "/n"))
    async with Fetcher(settings) as fetcher:
        await fetcher.fetch_document(server.url("/n"))
    assert "signature" not in server.received[0].headers
