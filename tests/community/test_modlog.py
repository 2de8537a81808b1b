"""The moderation log as others read it: linked from the Group actor, public, newest first,
keyset-paged, its items the acts themselves, each served at its id."""

import httpx
import pytest

from community.accounts import create_user
from community.collections import PAGE_SIZE
from community.groups import create_group
from community.render import FEDIVERSE_NS
from community.urls import Urls
from outbox.governance import Act, submit

BASE = "https://social.test"
AS2 = {"Accept": "application/activity+json"}


@pytest.fixture
async def group(conn):
    urls = Urls(BASE)
    ada = await create_user(conn, urls, "ada")
    group = await create_group(conn, urls, "garden", moderators=[ada])
    for n in range(PAGE_SIZE // 2 + 1):  # two acts each: added by ada, then stepping down
        person = await create_user(conn, urls, f"p{n}")
        await submit(conn, urls, Act(group, "add_moderator", ada, {"person": person.uri}))
        await submit(conn, urls, Act(group, "remove_moderator", person, {"person": person.uri}))
    return group


async def test_the_group_links_its_log_in_its_own_namespace(client: httpx.AsyncClient, group):
    doc = (await client.get("/groups/garden", headers=AS2)).json()
    assert doc["modlog"] == f"{BASE}/groups/garden/modlog"
    terms = doc["@context"][2]
    assert terms["fediverse"] == FEDIVERSE_NS
    assert terms["modlog"] == {"@id": "fediverse:modlog", "@type": "@id"}


async def test_the_log_is_an_ordered_collection_newest_first(client: httpx.AsyncClient, group):
    collection = (await client.get("/groups/garden/modlog", headers=AS2)).json()
    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == PAGE_SIZE + 2
    first = (await client.get(collection["first"], headers=AS2)).json()
    assert first["type"] == "OrderedCollectionPage"
    items = first["orderedItems"]
    assert len(items) == PAGE_SIZE
    last = f"{BASE}/users/p{PAGE_SIZE // 2}"
    assert [(i["type"], i["actor"], i["object"]) for i in items[:2]] == [
        ("Remove", last, last),
        ("Add", f"{BASE}/users/ada", last),
    ], "newest first"
    assert all(i["published"] and i["target"] == f"{BASE}/groups/garden/moderators" for i in items)
    rest = (await client.get(first["next"], headers=AS2)).json()
    assert [i["type"] for i in rest["orderedItems"]] == ["Remove", "Add"]
    assert rest["orderedItems"][1]["object"] == f"{BASE}/users/p0"
    served = await client.get(items[0]["id"], headers=AS2)
    assert served.status_code == 200
    assert served.json()["object"] == items[0]["object"]


async def test_anyone_may_read_it(client: httpx.AsyncClient, group):
    response = await client.get("/groups/garden/modlog?page=true&max_id=notanumber", headers=AS2)
    assert response.status_code == 400
    assert (await client.get("/groups/nowhere/modlog", headers=AS2)).status_code == 404
