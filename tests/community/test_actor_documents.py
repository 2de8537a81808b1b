"""Actor documents, content negotiation and collections."""

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from community.accounts import create_user
from community.groups import create_group
from community.urls import Urls

BASE = "https://social.test"
AS2 = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


@pytest.fixture
async def group(conn):
    urls = Urls(BASE)
    mod = await create_user(conn, urls, "mod")
    return await create_group(
        conn, urls, "garden", name="Garden", summary="<p>Grow</p>", closed=True, moderators=[mod]
    )


@pytest.mark.parametrize("accept", [AS2, LD])
async def test_group_actor_document_has_what_others_require(
    client: httpx.AsyncClient,
    group,
    accept: dict[str, str],
) -> None:
    response = await client.get("/groups/garden", headers=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/activity+json")
    doc = response.json()
    assert doc["@context"][:2] == [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
    ]
    assert doc["id"] == f"{BASE}/groups/garden"
    assert doc["type"] == "Group"
    assert doc["preferredUsername"] == "garden"
    for field in (
        "inbox",
        "outbox",
        "followers",
        "following",
        "name",
        "summary",
        "url",
        "published",
        "featured",
        "attributedTo",
    ):
        assert doc[field], field
    assert doc["endpoints"]["sharedInbox"] == f"{BASE}/inbox"
    assert doc["manuallyApprovesFollowers"] is True
    assert doc["discoverable"] is True
    assert doc["postingRestrictedToMods"] is False
    key = doc["publicKey"]
    assert key["owner"] == doc["id"]
    assert key["id"] == f"{doc['id']}#main-key"
    loaded = serialization.load_pem_public_key(key["publicKeyPem"].encode())
    assert loaded.key_size == 2048


async def test_person_actor_document(client: httpx.AsyncClient, group) -> None:
    doc = (await client.get("/users/mod", headers=AS2)).json()
    assert doc["type"] == "Person"
    assert "attributedTo" not in doc
    assert doc["publicKey"]["owner"] == doc["id"]


async def test_browsers_get_an_html_profile(client: httpx.AsyncClient, group) -> None:
    for path in ("/groups/garden", "/@garden"):
        response = await client.get(path, headers={"Accept": "text/html,*/*;q=0.8"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "@garden@social.test" in response.text
    front = await client.get("/")
    assert "@garden@social.test" in front.text


async def test_as2_at_the_profile_url_redirects_to_the_id(client: httpx.AsyncClient, group) -> None:
    response = await client.get("/@garden", headers=AS2)
    assert response.status_code == 302
    assert response.headers["location"] == f"{BASE}/groups/garden"


@pytest.mark.parametrize(
    "accept", ["image/png", "application/xml", "text/plain, image/*", "garbage", "text/html;q=abc"]
)
async def test_unservable_accept_headers_get_406_with_a_reason(
    client: httpx.AsyncClient,
    group,
    accept: str,
) -> None:
    response = await client.get("/groups/garden", headers={"Accept": accept})
    assert response.status_code == 406
    assert "error" in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/groups/nobody",
        "/users/garden",
        "/groups/mod",
        "/@nobody",
        "/groups/garden/nothing",
        "/users/nobody/outbox",
    ],
)
async def test_unknown_actors_and_paths_are_404(
    client: httpx.AsyncClient, group, path: str
) -> None:
    response = await client.get(path, headers=AS2)
    assert response.status_code == 404
    assert response.json()["error"]


async def test_moderators_collection_lists_moderators_inline(
    client: httpx.AsyncClient, group
) -> None:
    doc = (await client.get("/groups/garden/moderators", headers=AS2)).json()
    assert doc["type"] == "OrderedCollection"
    assert doc["orderedItems"] == [f"{BASE}/users/mod"]


async def test_followers_are_paged_by_keyset_newest_first(client: httpx.AsyncClient, conn) -> None:
    urls = Urls(BASE)
    group = await create_group(conn, urls, "big")
    await conn.execute(
        """INSERT INTO actors (uri, type, username, domain, local)
           SELECT 'https://remote.example/u/' || i, 'Person', 'u' || i, 'remote.example', false
           FROM generate_series(1, 45) i"""
    )
    await conn.execute(
        """INSERT INTO follows (follower_id, followee_id, state)
           SELECT id, $1, 'accepted' FROM actors WHERE domain = 'remote.example' ORDER BY id""",
        group.id,
    )
    head = (await client.get("/groups/big/followers", headers=AS2)).json()
    assert head["type"] == "OrderedCollection"
    assert head["totalItems"] == 45
    seen: list[str] = []
    url = head["first"]
    pages = 0
    while url:
        page = (await client.get(url, headers=AS2)).json()
        assert page["type"] == "OrderedCollectionPage"
        assert page["partOf"] == f"{BASE}/groups/big/followers"
        seen += page["orderedItems"]
        url = page.get("next")
        pages += 1
        assert pages < 10
    assert seen == [f"https://remote.example/u/{i}" for i in range(45, 0, -1)]
    assert pages == 3
    second = (await client.get(head["first"], headers=AS2)).json()["next"]
    prev = (await client.get(second, headers=AS2)).json()["prev"]
    back = (await client.get(prev, headers=AS2)).json()
    assert back["orderedItems"] == seen[:20]


async def test_closed_group_followers_show_only_a_count(client: httpx.AsyncClient, group) -> None:
    doc = (await client.get("/groups/garden/followers", headers=AS2)).json()
    assert doc["totalItems"] == 0
    assert "first" not in doc
    assert "orderedItems" not in doc


async def test_bad_page_cursor_is_400(client: httpx.AsyncClient, group) -> None:
    response = await client.get("/users/mod/outbox?page=true&max_id=abc", headers=AS2)
    assert response.status_code == 400


async def test_empty_outbox_is_a_valid_collection(client: httpx.AsyncClient, group) -> None:
    doc = (await client.get("/groups/garden/outbox", headers=AS2)).json()
    assert doc["totalItems"] == 0
    page = (await client.get(doc["first"], headers=AS2)).json()
    assert page["orderedItems"] == []
    assert "next" not in page
