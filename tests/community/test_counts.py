"""Collection sizes are counters kept by triggers; they must agree with count(*)."""

import asyncpg

from community.groups import create_group
from community.urls import Urls

TRUTH = """
SELECT a.followers_count = (SELECT count(*) FROM follows f
                            WHERE f.followee_id = a.id AND f.state = 'accepted')
   AND a.following_count = (SELECT count(*) FROM follows f
                            WHERE f.follower_id = a.id AND f.state = 'accepted')
   AND a.outbox_count = (SELECT count(*) FROM activities t WHERE t.actor_id = a.id AND t.public)
FROM actors a
"""


async def test_counters_follow_every_change(conn: asyncpg.Connection) -> None:
    group = await create_group(conn, Urls("https://social.test"), "g")
    await conn.execute(
        """INSERT INTO actors (uri, type, username, domain, local)
           SELECT 'https://r.example/u/' || n, 'Person', 'u' || n, 'r.example', false
           FROM generate_series(1, 6) n"""
    )
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM actors WHERE NOT local ORDER BY id")]
    for index, actor_id in enumerate(ids):
        state = "accepted" if index % 2 else "pending"
        await conn.execute(
            "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, $3)",
            actor_id,
            group.id,
            state,
        )
    assert await conn.fetchval("SELECT followers_count FROM actors WHERE id = $1", group.id) == 3
    await conn.execute("UPDATE follows SET state = 'accepted' WHERE follower_id = $1", ids[0])
    await conn.execute("DELETE FROM follows WHERE follower_id = $1", ids[1])
    await conn.execute("DELETE FROM follows WHERE follower_id = $1", ids[2])  # was pending
    await conn.execute(
        "INSERT INTO activities (uri, type, actor_id, body, public) VALUES"
        " ('https://social.test/a/1', 'Announce', $1, '{}', true),"
        " ('https://social.test/a/2', 'Announce', $1, '{}', false)",
        group.id,
    )
    await conn.execute("DELETE FROM actors WHERE id = $1", ids[3])  # cascades its follow
    assert await conn.fetchval("SELECT followers_count FROM actors WHERE id = $1", group.id) == 2
    assert all(row[0] for row in await conn.fetch(TRUTH))
