"""Each moderation act, applied by a moderator here: what changes, what each kind of follower
receives (FEP-1b12: the group's Announce of the act; microblogs: their own form), and how the
log names it."""

from types import SimpleNamespace

import asyncpg
import orjson
import pytest

from community.governance import group_settings
from community.membership import is_banned, is_member
from community.moderation import hold_post
from community.posts import admit_to_group, find_post
from community.render import ACTOR_CONTEXT
from outbox.errors import ActRefused
from outbox.governance import Act, Applied, submit
from outbox.redistribute import announce_boost
from tests.inbox.support import remote_actor

LEMMY = "https://lemmy.example"
MASTO = "https://masto.example"


async def follow(conn, actor, group) -> None:
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        actor.id,
        group.id,
    )


@pytest.fixture
async def world(conn: asyncpg.Connection, team: SimpleNamespace) -> SimpleNamespace:
    lee = (await remote_actor(conn, f"{LEMMY}/u/lee", software="lemmy")).actor
    mia = (await remote_actor(conn, f"{MASTO}/users/mia", software="mastodon")).actor
    max_ = (await remote_actor(conn, f"{MASTO}/users/max", software="mastodon")).actor
    for actor in (lee, mia, max_):
        await follow(conn, actor, team.group)
    note = {
        "id": f"{MASTO}/users/mia/statuses/1",
        "type": "Note",
        "attributedTo": mia.uri,
        "name": "Spam spam spam",
        "content": "<p>buy now</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [team.group.uri],
    }
    post = await admit_to_group(conn, note, mia, team.group)
    await announce_boost(conn, team.urls, team.group, post.uri)
    await conn.execute("DELETE FROM deliveries")
    return SimpleNamespace(**vars(team), lee=lee, mia=mia, post=post)


async def sent(conn: asyncpg.Connection) -> set[tuple[str, str, str]]:
    """(host, type, what it carries) of each delivery queued since the last call."""
    rows = await conn.fetch(
        "SELECT d.host, a.body FROM deliveries d JOIN activities a ON a.id = d.activity_id"
    )
    await conn.execute("DELETE FROM deliveries")
    found = set()
    for row in rows:
        body = orjson.loads(row["body"])
        inner = body.get("object")
        what = inner.get("type") if isinstance(inner, dict) else "-"
        found.add((row["host"], body["type"], what))
    return found


def act(w, kind: str, **params) -> Act:
    reason = params.pop("reason", "")
    return Act(w.group, kind, w.ada, params, reason)


async def logged(conn: asyncpg.Connection) -> dict:
    return await conn.fetchval("SELECT activity FROM modlog ORDER BY id DESC LIMIT 1")


async def test_remove_and_restore(conn, world) -> None:
    w = world
    await submit(conn, w.urls, act(w, "remove_post", post=w.post.uri, reason="spam"))
    removed = await find_post(conn, w.post.uri)
    assert removed.deleted_at is not None
    assert removed.removal_reason == "spam"
    assert "buy now" in removed.content_html, "kept, so that it can be restored"
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Delete"),
        ("masto.example", "Undo", "Announce"),
    }
    item = await logged(conn)
    assert item["type"] == "Delete"
    assert item["summary"] == "spam"
    assert item["object"] == {"id": w.post.uri, "type": "Tombstone", "formerType": "Note"}
    await submit(conn, w.urls, act(w, "restore_post", post=w.post.uri, reason="my mistake"))
    assert (await find_post(conn, w.post.uri)).deleted_at is None
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Undo"),
        ("masto.example", "Announce", "-"),
    }
    undo = await logged(conn)
    assert undo["object"]["type"] == "Delete"
    assert undo["object"]["summary"] == "spam"


async def test_lock_and_pin(conn, world) -> None:
    w = world
    await submit(conn, w.urls, act(w, "lock", post=w.post.uri))
    assert (await find_post(conn, w.post.uri)).locked
    assert await sent(conn) == {("lemmy.example", "Announce", "Lock")}
    with pytest.raises(ActRefused, match="already locked"):
        await submit(conn, w.urls, act(w, "lock", post=w.post.uri))
    await submit(conn, w.urls, act(w, "unlock", post=w.post.uri))
    assert not (await find_post(conn, w.post.uri)).locked
    await sent(conn)
    await submit(conn, w.urls, act(w, "pin", post=w.post.uri))
    assert (await find_post(conn, w.post.uri)).pinned
    pinned = await sent(conn)
    assert pinned == {("lemmy.example", "Announce", "Add"), ("masto.example", "Add", "-")}
    assert (await logged(conn))["target"] == w.group.featured_uri


async def test_a_ban_and_the_removal_of_their_posts(conn, world) -> None:
    w = world
    ban = act(w, "ban", person=w.mia.uri, remove_data=True, reason="spammer")
    assert isinstance(await submit(conn, w.urls, ban), Applied)
    assert await is_banned(conn, w.group, w.mia)
    assert not await is_member(conn, w.group, w.mia)
    assert (await find_post(conn, w.post.uri)).deleted_at is not None
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Block"),
        ("masto.example", "Undo", "Announce"),  # her thread leaves Mastodon timelines
        ("masto.example", "Block", "-"),  # the group's own Block: Mastodon ends her follow
    }
    item = await logged(conn)
    assert (item["removeData"], item["target"], item["summary"]) == (True, w.group.uri, "spammer")
    assert "endTime" not in item
    await submit(conn, w.urls, act(w, "unban", person=w.mia.uri))
    assert not await is_banned(conn, w.group, w.mia)
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Undo"),
        ("masto.example", "Undo", "Block"),
    }
    with pytest.raises(ActRefused, match="moderates"):
        await submit(conn, w.urls, act(w, "ban", person=w.ada.uri))


async def test_a_ban_with_an_end(conn, world) -> None:
    w = world
    until = "2999-01-01T00:00:00Z"
    await submit(conn, w.urls, act(w, "ban", person=w.mia.uri, until=until))
    assert (await logged(conn))["endTime"] == until
    assert await sent(conn) == {("lemmy.example", "Announce", "Block")}, "no endless Block"
    with pytest.raises(ActRefused, match="in the future"):
        await submit(conn, w.urls, act(w, "ban", person=w.lee.uri, until="2001-01-01T00:00:00Z"))


async def test_a_ban_ends_on_its_own(conn, world) -> None:
    w = world
    await submit(conn, w.urls, act(w, "ban", person=w.lee.uri, until="2999-01-01T00:00:00Z"))
    await conn.execute("UPDATE group_bans SET expires_at = now() - interval '1 s'")
    assert not await is_banned(conn, w.group, w.lee)


async def test_profile_edits_reach_microblogs_from_the_group_itself(conn, world) -> None:
    w = world
    await submit(conn, w.urls, act(w, "edit_profile", title="The Commons", summary="Be kind."))
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Update"),
        ("masto.example", "Update", "Group"),
    }
    update = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Update' ORDER BY id DESC")
    )
    assert update["actor"] == w.group.uri
    assert update["object"]["name"] == "The Commons"
    assert update["object"]["summary"] == "<p>Be kind.</p>"
    item = await logged(conn)
    assert item["actor"] == w.ada.uri
    assert item["object"] == {
        "id": w.group.uri,
        "type": "Group",
        "name": "The Commons",
        "summary": "<p>Be kind.</p>",
    }


async def test_a_communitys_rules_are_part_of_its_profile(conn, world) -> None:
    w = world
    written = "1. Be kind.\n2. **No ads.** <script>x()</script>"
    await submit(conn, w.urls, act(w, "edit_profile", rules=written))
    rules = await conn.fetchval("SELECT rules FROM actors WHERE id = $1", w.group.id)
    assert "<li>Be kind.</li>" in rules
    assert "<strong>No ads.</strong>" in rules
    assert "<script>" not in rules
    assert await conn.fetchval("SELECT count(*) FROM modlog") == 1, "one row, no quorum"
    item = await logged(conn)
    assert item["object"] == {"id": w.group.uri, "type": "Group", "rules": rules}
    update = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Update' ORDER BY id DESC")
    )
    assert update["object"]["rules"] == rules
    assert update["object"]["summary"] == w.group.summary, "the description stays as it was"
    assert ACTOR_CONTEXT[-1]["rules"] == "fediverse:rules"
    with pytest.raises(ActRefused, match="rules have at most 5000 characters"):
        await submit(conn, w.urls, act(w, "edit_profile", rules="x" * 5001))


async def test_rules_of_our_own_are_on_the_log_only(conn, world) -> None:
    w = world
    await submit(conn, w.urls, act(w, "set_premoderation", premoderation="new"))
    await submit(conn, w.urls, act(w, "set_quorum", quorum="unanimous"))
    settings = await group_settings(conn, w.group)
    assert (settings.premoderation, settings.quorum) == ("new", "unanimous")
    assert await sent(conn) == set()
    with pytest.raises(ActRefused, match="posting must be one of"):
        await submit(conn, w.urls, act(w, "set_posting", posting="everyone"))


async def test_held_posts_are_approved_or_rejected(conn, world) -> None:
    w = world
    create = {
        "id": f"{LEMMY}/activities/create/1",
        "type": "Create",
        "actor": w.lee.uri,
        "object": {
            "id": f"{LEMMY}/post/9",
            "type": "Page",
            "name": "Hello",
            "attributedTo": w.lee.uri,
            "content": "<p>hi</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
    }
    body = orjson.dumps(create).decode()
    await hold_post(conn, w.group, w.lee, create["object"], create["id"], body)
    await submit(conn, w.urls, act(w, "approve_post", post=f"{LEMMY}/post/9"))
    assert (await find_post(conn, f"{LEMMY}/post/9")).group_id == w.group.id
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Create"),
        ("masto.example", "Announce", "-"),
    }
    wrapped = await conn.fetchval(
        "SELECT body FROM activities WHERE type = 'Announce' AND form = 'fep1b12'"
    )
    assert wrapped.endswith(',"object":' + body + "}"), "announced as usual: byte-exact"
    create["id"], create["object"]["id"] = f"{LEMMY}/activities/create/2", f"{LEMMY}/post/10"
    await hold_post(
        conn, w.group, w.lee, create["object"], create["id"], orjson.dumps(create).decode()
    )
    await submit(conn, w.urls, act(w, "reject_post", post=f"{LEMMY}/post/10", reason="off topic"))
    assert await find_post(conn, f"{LEMMY}/post/10") is None
    assert await sent(conn) == {("lemmy.example", "Reject", "Create")}
    reject = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE type = 'Reject'"))
    assert reject["summary"] == "off topic"
    assert reject["object"]["id"] == create["id"]
    assert (await logged(conn))["object"] == {"id": f"{LEMMY}/post/10", "type": "Page"}


async def test_deleting_the_community(conn, world) -> None:
    w = world
    await submit(conn, w.urls, act(w, "delete_group", reason="we are done"))
    assert await sent(conn) == {
        ("lemmy.example", "Announce", "Delete"),
        ("masto.example", "Delete", "-"),
    }
    deleted = await conn.fetchval("SELECT deleted_at FROM actors WHERE id = $1", w.group.id)
    assert deleted is not None
