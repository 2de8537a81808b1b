"""A private community's fan-out (issue 15): its announces reach only the servers with an
accepted member whose software keeps them private, never the public; a server whose last
member leaves or is banned gets nothing more. A property test over every mix of members,
states and software, with the real send seam and PostgreSQL; then the cases one by one."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import asyncpg
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.accounts import create_user
from community.actors import Actor
from community.audience import member_servers
from community.groups import create_group
from community.membership import record_ban, remove_follow
from community.storage.database import connect
from community.urls import Urls
from outbox.activities.follows import build_response
from outbox.redistribute import announce_boost, announce_wrapped
from outbox.send import Audience, Outgoing, send
from tests.inbox.support import remote_actor

BASE = "https://social.test"
PUBLIC_FORMS = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
#: (software, version) of each server a member may be on
SERVERS = {
    "ours.example": ("fediverse", "0.1.0"),
    "newlemmy.example": ("lemmy", "1.0.0"),
    "oldlemmy.example": ("lemmy", "0.19.9"),
    "masto.example": ("mastodon", "4.3.0"),
    "piefed.example": ("piefed", "1.1"),
    "mystery.example": (None, None),
}
RECEIVING = {"ours.example", "newlemmy.example"}
STATES = ("accepted", "pending", "banned", "left")


async def on(conn: asyncpg.Connection, host: str, name: str) -> Actor:
    software, version = SERVERS[host]
    actor = (await remote_actor(conn, f"https://{host}/users/{name}", software=software)).actor
    if version is not None:
        await conn.execute(
            "UPDATE instances SET software_version = $2 WHERE domain = $1", host, version
        )
    return actor


async def join(conn: asyncpg.Connection, person: Actor, group: Actor, state: str) -> None:
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, $3)",
        person.id,
        group.id,
        "pending" if state == "pending" else "accepted",
    )
    if state == "banned":
        await record_ban(conn, group, person, "spam", None, f"{group.uri}/bans/{person.id}")
    if state == "left":
        await remove_follow(conn, person.id, group.id)


async def announce_a_post(conn: asyncpg.Connection, urls: Urls, group: Actor, n: int) -> None:
    """What the group sends for a member's post: the FEP-1b12 wrap and the boost."""
    create = {
        "id": f"{BASE}/users/alice/creates/{n}",
        "type": "Create",
        "actor": f"{BASE}/users/alice",
        "to": [group.uri],
        "object": {"id": f"{BASE}/users/alice/notes/{n}", "type": "Note", "content": "secret"},
    }
    await announce_wrapped(conn, urls, group, orjson.dumps(create).decode(), create["id"])
    await announce_boost(conn, urls, group, str(create["object"]["id"]))


async def delivered(conn: asyncpg.Connection) -> dict[str, list[dict]]:
    """The bodies queued per host since the last call."""
    rows = await conn.fetch(
        "SELECT d.host, a.body FROM deliveries d JOIN activities a ON a.id = d.activity_id"
    )
    await conn.execute("DELETE FROM deliveries")
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row["host"], []).append(orjson.loads(row["body"]))
    return found


def addressed(body: dict) -> list[str]:
    return [a for key in ("to", "cc", "bto", "bcc") for a in (body.get(key) or [])]


members = st.lists(st.tuples(st.sampled_from(sorted(SERVERS)), st.sampled_from(STATES)), max_size=8)


async def scenario(database_url: str, drawn: list[tuple[str, str]]) -> None:
    async with connect(database_url) as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await a_mix(conn, drawn)
        finally:
            await transaction.rollback()


async def a_mix(conn: asyncpg.Connection, drawn: list[tuple[str, str]]) -> None:
    urls = Urls(BASE)
    group = await create_group(conn, urls, "circle", visibility="private")
    entitled: set[str] = set()
    for number, (host, state) in enumerate(drawn):
        await join(conn, await on(conn, host, f"m{number}"), group, state)
        if state == "accepted" and host in RECEIVING:
            entitled.add(host)
    await announce_a_post(conn, urls, group, 1)
    sent = await delivered(conn)
    assert set(sent) == entitled
    for bodies in sent.values():
        for body in bodies:
            assert not PUBLIC_FORMS & set(addressed(body)), body


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(members)
def test_no_private_post_reaches_the_public_or_a_server_without_a_member(
    database_url: str, drawn: list[tuple[str, str]]
) -> None:
    asyncio.run(scenario(database_url, drawn))


async def a_private_group(conn: asyncpg.Connection) -> SimpleNamespace:
    urls = Urls(BASE)
    await create_user(conn, urls, "alice")
    group = await create_group(conn, urls, "circle", visibility="private")
    return SimpleNamespace(urls=urls, group=group)


async def test_a_server_whose_last_member_leaves_or_is_banned_gets_nothing_more(conn) -> None:
    w = await a_private_group(conn)
    ann = await on(conn, "ours.example", "ann")
    ben = await on(conn, "ours.example", "ben")
    lea = await on(conn, "newlemmy.example", "lea")
    for member in (ann, ben, lea):
        await join(conn, member, w.group, "accepted")
    await announce_a_post(conn, w.urls, w.group, 1)
    assert set(await delivered(conn)) == {"ours.example", "newlemmy.example"}
    await remove_follow(conn, ann.id, w.group.id)
    await announce_a_post(conn, w.urls, w.group, 2)
    assert set(await delivered(conn)) == {"ours.example", "newlemmy.example"}, "ben is there"
    await record_ban(conn, w.group, ben, "rude", None, f"{w.group.uri}/bans/1")
    await remove_follow(conn, lea.id, w.group.id)
    await announce_a_post(conn, w.urls, w.group, 3)
    assert await delivered(conn) == {}


async def test_an_answer_to_a_follow_still_reaches_who_asked(conn) -> None:
    w = await a_private_group(conn)
    asking = await on(conn, "masto.example", "mia")
    await join(conn, asking, w.group, "pending")
    follow = {"id": f"{asking.uri}/follows/1", "type": "Follow", "actor": asking.uri}
    accept = build_response(
        w.urls, w.group, "Accept", {**follow, "object": w.group.uri}, asking.uri
    )
    await send(conn, w.group, Outgoing.of(accept), Audience(actors=(asking,)))
    assert set(await delivered(conn)) == {"masto.example"}


async def test_moderators_see_which_member_servers_receive_private_posts(conn) -> None:
    w = await a_private_group(conn)
    for number, host in enumerate(sorted(SERVERS)):
        await join(conn, await on(conn, host, f"p{number}"), w.group, "accepted")
    servers = {s.domain: s for s in await member_servers(conn, w.group)}
    assert {d for d, s in servers.items() if s.receives} == RECEIVING
    assert servers["masto.example"].reason == "microblog"
    assert servers["oldlemmy.example"].reason == "too_old"
    assert servers["piefed.example"].reason == "ignores_addressing"
    assert servers["mystery.example"].reason == "unknown_software"
    assert servers["ours.example"].members == 1
