"""The surfaces of bridges and the directory: the moderators' API, ``/api/v1/directory``, the
``/directory`` page and collection, ``recommended``, NodeInfo, and the CLI's refusals."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import asyncpg
import httpx

from community.context import AppContext
from outbox.actions import publish
from outbox.activities import Composition
from tests.bridges.conftest import step
from tests.helpers import clean_env, run_cli
from tests.inbox.support import remote_actor

AS2 = {"Accept": "application/activity+json"}


async def test_the_moderators_api_makes_filters_and_cuts_bridges(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    url = "/api/v1/groups/street/bridges"
    refused = await client.post(url, json={"source": "cycling"}, headers=t.tokens["bea"])
    assert refused.status_code == 403
    assert "not a moderator" in refused.json()["error"]
    weird = {"source": "cycling", "filter": "weird"}
    assert (await client.post(url, json=weird, headers=t.tokens["ann"])).status_code == 422
    nobody = {"source": "nobody"}
    assert (await client.post(url, json=nobody, headers=t.tokens["ann"])).status_code == 404
    made = await client.post(
        url, json={"source": "cycling", "filter": "top", "words": ["elm"]}, headers=t.tokens["ann"]
    )
    assert made.status_code == 200
    assert made.json()["state"] == "applied"
    await step(ctx)
    again = await client.post(url, json={"source": "cycling"}, headers=t.tokens["ann"])
    assert again.status_code == 422  # already bridged: filter it instead
    filtered = await client.patch(
        url, json={"source": "cycling", "filter": "all"}, headers=t.tokens["ann"]
    )
    assert filtered.json()["state"] == "applied"
    listed = (await client.get(url, headers=t.tokens["ann"])).json()
    assert listed["bridges"] == [
        {
            "source": t.cycling.uri,
            "acct": "cycling@social.test",
            "state": "accepted",
            "filter": "all",
            "words": [],
            "muted": [],
            "carried": 0,
        }
    ]
    cut = await client.delete(url, params={"source": "cycling"}, headers=t.tokens["ann"])
    assert cut.json()["state"] == "applied"
    assert (await client.get(url, headers=t.tokens["ann"])).json()["bridges"] == []
    opted = await client.post(
        "/api/v1/groups/street/relays", json={"opt_in": True}, headers=t.tokens["ann"]
    )
    assert opted.json()["state"] == "applied"


async def test_a_community_publishes_what_it_recommends(
    client: httpx.AsyncClient, conn: asyncpg.Connection, town: SimpleNamespace
) -> None:
    t = town
    recommended = await client.post(
        "/api/v1/groups/street/recommendations",
        json={"community": "cycling"},
        headers=t.tokens["ann"],
    )
    assert recommended.json()["state"] == "applied"
    actor = (await client.get("/groups/street", headers=AS2)).json()
    assert actor["recommended"] == f"{t.street.uri}/recommended"
    collection = (await client.get("/groups/street/recommended", headers=AS2)).json()
    assert collection["type"] == "OrderedCollection"
    assert collection["orderedItems"] == [t.cycling.uri]
    logged = await conn.fetchval("SELECT kind FROM modlog ORDER BY id DESC LIMIT 1")
    assert logged == "recommend"


async def test_the_directory_lists_listed_communities_and_searches_them(
    client: httpx.AsyncClient, conn: asyncpg.Connection, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    comp = Composition(language="de")
    await publish(conn, t.urls, t.bea, "Radwege!", group=t.cycling, composition=comp)
    await step(ctx)
    lemmy = await remote_actor(conn, "https://lemmy.example/c/bikes", "Group")
    hidden = await remote_actor(conn, "https://lemmy.example/c/secret", "Group")
    await conn.execute("UPDATE actors SET discoverable = false WHERE id = $1", hidden.actor.id)
    for group in (lemmy.actor, hidden.actor):
        await conn.execute(
            "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
            t.ann.id,
            group.id,
        )

    def accts(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return sorted(a["acct"] for a in response.json())

    everything = await client.get("/api/v1/directory", params={"local": "false"})
    assert accts(everything) == ["bikes@lemmy.example", "cycling", "street"]
    cycling = next(a for a in everything.json() if a["acct"] == "cycling")
    assert cycling["group"] is True
    assert cycling["followers_count"] == 1
    assert cycling["fediverse"] == {"language": "de", "tags": ["cycling", "bikes"], "via": "local"}
    assert accts(await client.get("/api/v1/directory", params={"local": "true"})) == [
        "cycling",
        "street",
    ]
    assert accts(await client.get("/api/v1/directory", params={"q": "elm"})) == ["street"]
    assert accts(await client.get("/api/v1/directory", params={"tag": "#Bikes"})) == ["cycling"]
    assert accts(await client.get("/api/v1/directory", params={"language": "de"})) == ["cycling"]
    assert accts(await client.get("/api/v1/directory", params={"limit": "1", "offset": "1"}))

    # unlisted communities never appear, ours or others'
    await conn.execute("UPDATE actors SET discoverable = false WHERE id = $1", t.cycling.id)
    assert accts(await client.get("/api/v1/directory")) == ["bikes@lemmy.example", "street"]
    page = await client.get("/directory", params={"q": "street"})
    assert page.status_code == 200
    assert "Elm Street" in page.text
    assert "City cycling" not in page.text
    collection = (await client.get("/directory", headers=AS2)).json()
    assert collection["type"] == "OrderedCollection"
    assert sorted(i["id"] for i in collection["orderedItems"]) == [
        "https://lemmy.example/c/bikes",
        t.street.uri,
    ]
    nodeinfo = (await client.get("/nodeinfo/2.1")).json()
    assert [c["acct"] for c in nodeinfo["metadata"]["communities"]] == ["street@social.test"]


def test_the_cli_refuses_a_bad_bridge_in_one_line(database_url: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")
    for name in ("street", "cycling"):
        assert run_cli("group", "create", name, env=env, cwd=tmp_path).returncode == 0
    bad = run_cli(
        "group", "bridge", "add", "street", "cycling", "--filter", "weird", env=env, cwd=tmp_path
    )
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
    assert "--filter" in bad.stderr
    self_bridge = run_cli("group", "bridge", "add", "street", "street", env=env, cwd=tmp_path)
    assert self_bridge.returncode == 1
    assert "itself" in self_bridge.stderr
    unknown = run_cli("relay", "remove", "https://relay.example/actor", env=env, cwd=tmp_path)
    assert unknown.returncode == 1
    assert "no relay" in unknown.stderr
    listed = run_cli("group", "bridge", "list", "street", env=env, cwd=tmp_path)
    assert listed.returncode == 0
    assert "relays: not published" in listed.stdout
