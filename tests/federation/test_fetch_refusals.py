"""Whatever a peer answers, a fetch ends in a typed FetchError (real servers on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from federation.addresses import parse_networks
from federation.errors import FetchError, NotAnObject, RefusedAddress, RefusedURL, Unavailable
from federation.fetch import Fetcher, FetchSettings

from .loopback import LoopbackServer, Reply

LOOPBACK = parse_networks(["127.0.0.0/8"])


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchSettings(allowed_networks=LOOPBACK, total_timeout=5.0)) as instance:
        yield instance


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location})


@pytest.mark.parametrize(
    "location",
    [
        "data:application/activity+json,{}",
        "data:text/plain;base64,SGVsbG8=",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/_x",
        "http://[::1",  # malformed: urljoin itself raises on it
        "http://127.0.0.1:99999/x",
        "http://user@127.0.0.1/x",
        "http://a\\@127.0.0.1/x",
        "http://0x7f.1/x",
        " ",
    ],
)
async def test_a_redirect_anywhere_but_http_is_a_typed_refusal(
    server: LoopbackServer, fetcher: Fetcher, location: str
) -> None:
    server.route("/key", redirect(location))
    with pytest.raises(RefusedURL):
        await fetcher.fetch_document(server.url("/key"))
    with pytest.raises(RefusedURL):
        await fetcher.fetch_json(server.url("/key"))


async def test_a_redirect_to_a_private_address_is_refused(server: LoopbackServer) -> None:
    async with Fetcher(FetchSettings(allowed_networks=())) as guarded:
        # the first hop is allowed by nothing either: only the address check decides
        with pytest.raises(RefusedAddress):
            await guarded.fetch_document("http://10.0.0.1/x")
    server.route("/key", redirect("http://169.254.169.254/latest/meta-data/"))
    async with Fetcher(FetchSettings(allowed_networks=LOOPBACK)) as fetcher:
        with pytest.raises(RefusedAddress):
            await fetcher.fetch_document(server.url("/key"))


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://a@127.0.0.1/x", "data:,x", "", "http://127.0.0.1:0/", "/x"],
)
async def test_a_url_we_do_not_fetch_is_refused_before_any_request(
    server: LoopbackServer, fetcher: Fetcher, url: str
) -> None:
    with pytest.raises(RefusedURL):
        await fetcher.fetch_document(url)
    assert server.received == []


async def test_an_id_with_userinfo_is_not_followed(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/a", Reply.json({"id": f"http://evil@127.0.0.1:{server.port}/a"}))
    with pytest.raises(RefusedURL):
        await fetcher.fetch_document(server.url("/a"))


async def test_a_body_that_does_not_decode_is_not_an_object(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route(
        "/gz",
        Reply(
            headers={"Content-Type": "application/activity+json", "Content-Encoding": "gzip"},
            body=b"this is not gzip",
        ),
    )
    with pytest.raises(NotAnObject):
        await fetcher.fetch_document(server.url("/gz"))


async def test_a_broken_response_is_unavailable(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/short", Reply(headers={"Content-Length": "100"}, body=b"{}"))
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch_document(server.url("/short"))
    assert isinstance(caught.value, Unavailable | NotAnObject)
