"""The moderation log as others read it: linked from the Group actor, public, newest first,
keyset-paged, its items the acts themselves, each served at its id."""

import httpx
import pytest

from community.accounts import create_user
from community.actors import find_local_actor
from community.collections import PAGE_SIZE
from community.groups import create_group
from community.posts import admit_to_group
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


async def test_removed_posts_are_named_by_id_and_type_only(client: httpx.AsyncClient, conn, group):
    """A comment's title is its first line: the log, as AS2 and as a page, never says it."""
    urls = Urls(BASE)
    ada = await find_local_actor(conn, "ada")
    bob = await create_user(conn, urls, "bob")
    thread = await admit_to_group(
        conn, note(bob, "1", name="A thread title", content="<p>opening</p>"), bob, group
    )
    comment = await admit_to_group(
        conn,
        note(bob, "2", content="<p>secret first line</p><p>more</p>", inReplyTo=thread.uri),
        bob,
        group,
    )
    assert "secret" in comment.title, "the title the log must not show"
    await submit(conn, urls, Act(group, "remove_post", ada, {"post": comment.uri}, "rude"))
    await submit(conn, urls, Act(group, "lock", ada, {"post": thread.uri}))
    # an entry written before the rule, its comment named by title (the log is append-only)
    await conn.execute(
        """INSERT INTO modlog (group_id, kind, actor_id, by_admin, activity_uri, activity, reason)
           VALUES ($1, 'remove_post', $2, false, $3, $4, '')""",
        group.id,
        ada.id,
        f"{BASE}/activities/old-removal",
        {
            "id": f"{BASE}/activities/old-removal",
            "type": "Delete",
            "actor": ada.uri,
            "object": {"id": comment.uri, "type": "Tombstone", "name": "secret first line"},
        },
    )
    first = (await client.get("/groups/garden/modlog?page=true", headers=AS2)).json()
    lock, removal = first["orderedItems"][1:3]
    assert first["orderedItems"][0]["object"] == {"id": comment.uri, "type": "Tombstone"}
    assert removal["object"] == {"id": comment.uri, "type": "Tombstone", "formerType": "Note"}
    assert removal["summary"] == "rude", "the moderator's reason is theirs to publish"
    assert lock["object"] == {"id": thread.uri, "type": "Page"}
    served = await client.get(f"{BASE}/activities/old-removal", headers=AS2)
    assert served.json()["object"] == {"id": comment.uri, "type": "Tombstone"}
    page = (await client.get("/@garden/modlog")).text
    assert "secret" not in page
    assert "removed <a" in page
    assert "a comment</a>" in page
    assert "A thread title" in page, "a public thread is named by its title on the page"
    stored = await conn.fetch("SELECT activity::text AS a FROM modlog")
    assert not [r for r in stored if "secret" in r["a"] and "old-removal" not in r["a"]]


def note(author, n: str, **fields) -> dict:
    return {
        "id": f"{author.uri}/posts/{n}",
        "type": "Page" if "name" in fields else "Note",
        "attributedTo": author.uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{BASE}/groups/garden"],
        **fields,
    }


async def test_the_page_names_a_private_communitys_thread_as_a_thread(client, conn, group):
    urls = Urls(BASE)
    ada = await find_local_actor(conn, "ada")
    circle = await create_group(conn, urls, "circle", moderators=[ada], visibility="private")
    thread = note(ada, "9", name="Our members' plans", content="<p>plans</p>")
    thread["cc"] = [circle.uri]
    post = await admit_to_group(conn, thread, ada, circle)
    await submit(conn, urls, Act(circle, "lock", ada, {"post": post.uri}))
    page = (await client.get("/@circle/modlog")).text
    assert "locked <a" in page
    assert "a thread</a>" in page
    assert "plans" not in page
