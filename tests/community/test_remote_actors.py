"""Remote actors and their keys: fetched from a real server, checked, cached in PostgreSQL."""

from collections.abc import AsyncIterator

import pytest

from community.remote import InvalidActor, RemoteActors, RemotePolicy
from community.storage.database import create_pool
from community.urls import Urls
from federation.addresses import parse_networks
from federation.errors import FetchError, Gone, UnownedKey
from federation.fetch import Fetcher, FetchSettings
from federation.keys import generate_rsa_keypair
from tests.federation.loopback import LoopbackServer, Received, Reply
from tests.inbox.support import actor_document

KEYS = [generate_rsa_keypair() for _ in range(2)]


@pytest.fixture
async def origin() -> AsyncIterator[LoopbackServer]:
    server = LoopbackServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def remote(database_url: str) -> AsyncIterator[RemoteActors]:
    pool = await create_pool(database_url, max_size=2)
    fetcher = Fetcher(FetchSettings(allowed_networks=tuple(parse_networks(["127.0.0.0/8"]))))
    yield RemoteActors(pool, fetcher, Urls("https://social.test"), RemotePolicy(), scheme="http")
    await fetcher.aclose()
    await pool.close()


def serve_actor(origin: LoopbackServer, path: str, pem: str, **changes: object) -> str:
    uri = origin.url(path)
    doc = {**actor_document(uri, public_pem=pem), **changes}
    origin.route(path, Reply.json(doc))
    return uri


def fetches(origin: LoopbackServer, path: str) -> int:
    return sum(1 for r in origin.received if r.target == path)


async def test_a_key_is_fetched_once_then_served_from_postgresql(origin, remote) -> None:
    uri = serve_actor(origin, "/u/a", KEYS[0][1])
    info = await remote.lookup_key(uri + "#main-key", False)
    assert info is not None
    assert (info.owner_uri, info.pem, info.from_cache) == (uri, KEYS[0][1], False)
    remote._keys.clear()  # a fresh process: only PostgreSQL remembers
    again = await remote.lookup_key(uri + "#main-key", False)
    assert again is not None
    assert again.from_cache
    assert fetches(origin, "/u/a") == 1


async def test_a_rotated_key_is_refetched_but_not_more_than_once_per_interval(
    origin, remote
) -> None:
    uri = serve_actor(origin, "/u/b", KEYS[0][1])
    await remote.lookup_key(uri + "#main-key", False)
    serve_actor(origin, "/u/b", KEYS[1][1])
    # right after the first fetch: a refresh is not held back by it
    fresh = await remote.lookup_key(uri + "#main-key", True)
    assert fresh is not None
    assert fresh.pem == KEYS[1][1]
    # right after a refresh, another forced refresh is served from the cache
    cached = await remote.lookup_key(uri + "#main-key", True)
    assert cached is not None
    assert cached.from_cache
    assert fetches(origin, "/u/b") == 2


async def test_a_key_its_owner_does_not_list_is_not_believed(origin, remote) -> None:
    uri = origin.url("/u/c")
    doc = actor_document(uri, public_pem=KEYS[0][1])
    doc["publicKey"]["id"] = uri + "#other-key"
    origin.route("/u/c", Reply.json(doc))
    with pytest.raises(UnownedKey):
        await remote.lookup_key(uri + "#main-key", False)


async def test_a_key_document_must_name_an_owner_on_its_own_host(origin, remote) -> None:
    origin.route(
        "/keys/1",
        Reply.json(
            {
                "id": origin.url("/keys/1"),
                "owner": "https://elsewhere.example/u/x",
                "publicKeyPem": KEYS[0][1],
            }
        ),
    )
    with pytest.raises(UnownedKey):
        await remote.lookup_key(origin.url("/keys/1"), False)


async def test_failures_are_remembered_briefly(origin, remote) -> None:
    origin.route("/u/gone", Reply(status=410))
    key_id = origin.url("/u/gone") + "#main-key"
    with pytest.raises(Gone):
        await remote.lookup_key(key_id, False)
    with pytest.raises(Gone):  # negative cache: the same answer, no second fetch
        await remote.lookup_key(key_id, False)
    assert fetches(origin, "/u/gone") == 1


async def test_an_actor_document_claiming_another_id_is_refused(origin, remote) -> None:
    def liar(request: Received) -> Reply:
        doc = actor_document("https://victim.example/u/v", public_pem=KEYS[0][1])
        return Reply.json(doc)

    origin.route("/u/liar", liar)
    # the fetcher tries the claimed id at its own host, which is not there
    with pytest.raises(FetchError):
        await remote.get_actor(origin.url("/u/liar"))
    assert await remote.pool.fetchval("SELECT count(*) FROM actors WHERE NOT local") == 0


async def test_nodeinfo_of_the_wrong_shape_is_unknown_software(origin, remote) -> None:
    domain = f"127.0.0.1:{origin.port}"
    origin.route(
        "/.well-known/nodeinfo",
        Reply.json(
            {
                "links": [
                    {
                        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                        "href": origin.url("/ni"),
                    }
                ]
            },
            "application/json",
        ),
    )
    origin.route("/ni", Reply.json({"software": ["lemmy"]}, "application/json"))
    assert await remote.software_of(domain) is None


@pytest.mark.parametrize(
    "uri", ["http://a@127.0.0.1/u/x", "data:,x", "http://[::1", "", "https://a.example:0/u"]
)
async def test_actor_ids_we_do_not_accept_are_not_fetched(origin, remote, uri) -> None:
    with pytest.raises(InvalidActor):
        await remote.get_actor(uri)
    assert await remote.lookup_key(uri + "#main-key", False) is None
    assert origin.received == []
