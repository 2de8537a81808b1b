"""Which follower gets which announce form: decided per instance by its software."""

import asyncpg
import orjson

from tests.inbox.conftest import GROUP, LEMMY_HOSTS, step
from tests.inbox.support import fixture, post_signed, remote_actor


async def test_each_follower_instance_gets_the_form_its_software_reads(
    client, ctx, world, conn: asyncpg.Connection
) -> None:
    followers = {
        "lemmy": await remote_actor(conn, "https://lemmy.example/u/l", software="lemmy"),
        "mastodon": await remote_actor(conn, "https://masto.example/users/m", software="mastodon"),
        "unknown": await remote_actor(conn, "https://odd.example/u/o", software="oddball"),
    }
    for actor in [world.alpha, *followers.values()]:
        follow = {
            "id": f"{actor.uri}/follow",
            "type": "Follow",
            "actor": actor.uri,
            "object": GROUP,
        }
        assert (await post_signed(client, "/inbox", follow, actor)).status_code == 202
    await step(ctx)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    assert (await post_signed(client, "/inbox", create, world.alpha)).status_code == 202
    await step(ctx)
    rows = await conn.fetch(
        """SELECT d.host, a.form FROM deliveries d JOIN activities a ON a.id = d.activity_id
           WHERE a.type = 'Announce'"""
    )
    forms: dict[str, set[str]] = {}
    for row in rows:
        forms.setdefault(row["host"], set()).add(row["form"])
    assert forms["lemmy.example"] == {"fep1b12"}
    assert forms["masto.example"] == {"boost"}
    assert forms["odd.example"] == {"fep1b12", "boost"}
    # the author's own server (Lemmy) gets the wrapped Create back, as FEP-1b12 expects
    assert forms["ds9.lemmy.example"] == {"fep1b12"}
    boost = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE form = 'boost'"))
    assert boost["object"] == create["object"]["id"]


async def test_replies_reach_only_fep1b12_followers(client, ctx, world, conn) -> None:
    masto = await remote_actor(conn, "https://masto.example/users/m", software="mastodon")
    for actor in (world.alpha, masto):
        follow = {
            "id": f"{actor.uri}/follow",
            "type": "Follow",
            "actor": actor.uri,
            "object": GROUP,
        }
        await post_signed(client, "/inbox", follow, actor)
    await step(ctx)
    await post_signed(client, "/inbox", fixture("lemmy/create_page.json", LEMMY_HOSTS), world.alpha)
    comment = fixture("lemmy/create_note.json", LEMMY_HOSTS)
    await post_signed(client, "/inbox", comment, world.alpha)
    await step(ctx)
    to_mastodon = await conn.fetchval(
        """SELECT count(*) FROM deliveries d JOIN activities a ON a.id = d.activity_id
           WHERE d.host = 'masto.example' AND a.type = 'Announce'"""
    )
    assert to_mastodon == 1, "the thread's boost only, not the reply"
