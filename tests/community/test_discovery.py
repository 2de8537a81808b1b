"""WebFinger, host-meta and NodeInfo, through the whole app with a real PostgreSQL."""

import httpx
import pytest

from community.accounts import create_user
from community.groups import create_group
from community.urls import Urls

BASE = "https://social.test"


@pytest.fixture
async def community(client: httpx.AsyncClient, conn) -> None:
    urls = Urls(BASE)
    await create_group(conn, urls, "Neighbours", name="The Neighbours")
    await create_user(conn, urls, "alice", password="correct horse battery")


async def test_webfinger_round_trips_to_the_actor(client: httpx.AsyncClient, community) -> None:
    response = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:neighbours@social.test"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jrd+json")
    assert response.headers["access-control-allow-origin"] == "*"
    jrd = response.json()
    assert jrd["subject"] == "acct:Neighbours@social.test"
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    assert self_link["type"] == "application/activity+json"
    actor = (
        await client.get(self_link["href"], headers={"Accept": "application/activity+json"})
    ).json()
    assert actor["id"] == self_link["href"]
    back = await client.get(
        "/.well-known/webfinger",
        params={"resource": f"acct:{actor['preferredUsername']}@social.test"},
    )
    assert (
        next(link for link in back.json()["links"] if link["rel"] == "self")["href"] == actor["id"]
    )


@pytest.mark.parametrize(
    "resource",
    [
        "acct:alice@social.test",
        "acct:ALICE@social.test",
        "acct:@alice@social.test",
        f"{BASE}/users/alice",
        f"{BASE}/@alice",
    ],
)
async def test_webfinger_finds_people_in_every_accepted_form(
    client: httpx.AsyncClient,
    community,
    resource: str,
) -> None:
    response = await client.get("/.well-known/webfinger", params={"resource": resource})
    assert response.status_code == 200, response.text
    assert response.json()["aliases"][0] == f"{BASE}/users/alice"


@pytest.mark.parametrize("resource", ["social.test", f"{BASE}/", "acct:social.test@social.test"])
async def test_webfinger_for_the_host_is_the_instance_actor(
    client: httpx.AsyncClient, resource: str
) -> None:
    response = await client.get("/.well-known/webfinger", params={"resource": resource})
    assert response.status_code == 200
    href = next(link for link in response.json()["links"] if link["rel"] == "self")["href"]
    assert href == f"{BASE}/actor"
    actor = (await client.get("/actor", headers={"Accept": "application/activity+json"})).json()
    assert actor["type"] == "Application"
    assert actor["publicKey"]["owner"] == actor["id"] == href


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        ("acct:nobody@social.test", 404),
        ("acct:alice@elsewhere.example", 404),
        ("https://elsewhere.example/users/alice", 404),
        ("alice", 400),
        ("acct:alice", 400),
        ("acct:@social.test", 400),
        ("acct:a@b@social.test", 400),
        ("mailto:x@y", 400),
        ("", 400),
        ("acct:" + "a" * 2000 + "@social.test", 400),
    ],
)
async def test_webfinger_refuses_bad_or_unknown_resources_clearly(
    client: httpx.AsyncClient,
    community,
    resource: str,
    status: int,
) -> None:
    response = await client.get("/.well-known/webfinger", params={"resource": resource})
    assert response.status_code == status
    assert response.json()["error"]


async def test_webfinger_without_resource_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/webfinger")
    assert response.status_code == 400
    assert "resource" in response.json()["error"]


async def test_host_meta_points_at_webfinger(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/host-meta")
    assert response.status_code == 200
    assert f'template="{BASE}/.well-known/webfinger?resource={{uri}}"' in response.text


async def test_nodeinfo_counts_match_the_database(
    client: httpx.AsyncClient, community, conn
) -> None:
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    rels = {link["rel"]: link["href"] for link in links}
    assert rels["http://nodeinfo.diaspora.software/ns/schema/2.1"] == f"{BASE}/nodeinfo/2.1"
    assert rels["https://www.w3.org/ns/activitystreams#Application"] == f"{BASE}/actor"
    response = await client.get("/nodeinfo/2.1")
    assert (
        'profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
        in response.headers["content-type"]
    )
    info = response.json()
    assert info["software"]["name"] == "fediverse"
    assert info["protocols"] == ["activitypub"]
    users = await conn.fetchval("SELECT count(*) FROM users WHERE state = 'active'")
    groups = await conn.fetchval("SELECT count(*) FROM actors WHERE local AND type = 'Group'")
    assert info["usage"]["users"]["total"] == users == 1
    assert info["metadata"]["localGroups"] == groups == 1
    assert info["openRegistrations"] is False
    assert "localPosts" in info["usage"]
