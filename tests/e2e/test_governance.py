"""No super user, shown with real processes over real HTTP (issue 12's "Must show").

``hub`` hosts the community ``commons``; ``town`` (our software too) hosts ``rem``, one of its
moderators, and ``bob``, a member who moderates nothing. Two servers of other software, each a
real HTTP server on its own port: ``masto`` (NodeInfo ``mastodon``: ``mia`` follows the
community, a microblog follower; ``max`` posts and is banned) and ``lemmy`` (NodeInfo
``lemmy``: ``lee`` follows, a FEP-1b12 follower; ``lu`` posts and reports).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.fakes import FakeServer
from tests.e2e.support import Instance, eventually, start_instance
from tests.helpers import run_cli

pytestmark = pytest.mark.slow
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def world(make_database: Callable[[], str], tmp_path: Path) -> Iterator[dict[str, Any]]:
    hub = start_instance(make_database(), tmp_path / "hub")
    town = start_instance(make_database(), tmp_path / "town")
    masto = FakeServer("mastodon", {"mia": "Person", "max": "Person"}).start()
    lemmy = FakeServer("lemmy", {"lee": "Person", "lu": "Person"}).start()
    try:
        yield {"hub": hub, "town": town, "masto": masto, "lemmy": lemmy}
    finally:
        for instance in (hub, town):
            instance.server.stop()
        for fake in (masto, lemmy):
            fake.stop()


def seen(check: Callable[[], Any]) -> Callable[[], Awaitable[Any]]:
    """A check of what a fake server received, for :func:`eventually`."""

    async def poll() -> Any:
        return check()

    return poll


def group_uri(hub: Instance) -> str:
    return f"{hub.base_url}/groups/commons"


async def join(fake: FakeServer, name: str, hub: Instance) -> None:
    follow = {
        "id": f"{fake.uri(name)}/follows/1",
        "type": "Follow",
        "actor": fake.uri(name),
        "object": group_uri(hub),
    }
    response = await fake.post(f"{hub.base_url}/inbox", follow, name)
    assert response.status_code == 202, response.text


async def post(fake: FakeServer, name: str, hub: Instance, number: int, **extra: Any) -> dict:
    """``name`` posts into commons (a Create, mentioning the group); the Create."""
    note = {
        "id": f"{fake.uri(name)}/statuses/{number}",
        "type": "Note",
        "attributedTo": fake.uri(name),
        "name": f"Thread {number} by {name}",
        "content": f"<p>post {number}</p>",
        "to": [PUBLIC],
        "cc": [group_uri(hub)],
        "tag": [{"type": "Mention", "href": group_uri(hub)}],
        **extra,
    }
    create = {
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": fake.uri(name),
        "object": note,
        "to": [PUBLIC],
        "cc": [group_uri(hub)],
    }
    response = await fake.post(f"{hub.base_url}/inbox", create, name)
    assert response.status_code == 202, response.text
    return create


async def stored(instance: Instance, uri: str) -> bool:
    return bool(await instance.fetchval("SELECT count(*) FROM posts WHERE uri = $1", uri))


async def item_note(hub: Instance, activity_id: str) -> tuple[str, str] | None:
    row = await hub.fetchval(
        "SELECT state || '|' || coalesce(error, '') FROM inbox_items WHERE activity_uri = $1",
        activity_id,
    )
    return None if row is None else tuple(row.split("|", 1))  # type: ignore[return-value]


def modlog(hub: Instance) -> list[dict[str, Any]]:
    """Every item of the community's public log, following its pages."""
    headers = {"Accept": "application/activity+json"}
    collection = httpx.get(f"{group_uri(hub)}/modlog", headers=headers).json()
    items: list[dict[str, Any]] = []
    page_url: str | None = collection["first"]
    while page_url:
        page = httpx.get(page_url, headers=headers).json()
        items += page["orderedItems"]
        page_url = page.get("next") if page["orderedItems"] else None
    assert len(items) == collection["totalItems"]
    return items


async def test_a_remote_moderator_acts_and_a_non_moderator_cannot(world: dict[str, Any]) -> None:
    hub, town, masto, lemmy = world["hub"], world["town"], world["masto"], world["lemmy"]
    both = (hub, town)
    commons = f"@commons@{hub.domain}"
    for name in ("ada", "cy"):
        hub.cli("user", "create", name)
    for name in ("rem", "bob"):
        town.cli("user", "create", name)
    hub.cli("group", "create", "commons", "--moderator", "ada")

    # the team: ada alone adds rem (on town) at once; the admin adds cy (marked the admin's)
    assert "applied" in hub.cli(
        "group",
        "moderators",
        "add",
        "commons",
        f"@rem@{town.domain}",
        "--as",
        "ada",
        "--reason",
        "rem knows the place",
    )
    assert "applied" in hub.cli("group", "moderators", "add", "commons", "cy")
    await eventually(
        lambda: town.fetchval(
            "SELECT count(*) FROM group_moderators m JOIN actors a ON a.id = m.actor_id"
            " WHERE a.username = 'rem'"
        ),
        "town to hear that rem moderates commons",
        instances=both,
    )

    # followers: mia (Mastodon: boosts), lee (Lemmy: FEP-1b12), bob (this software: FEP-1b12)
    await join(masto, "mia", hub)
    await join(lemmy, "lee", hub)
    town.cli("member", "follow", "bob", commons)
    await eventually(
        lambda: hub.fetchval("SELECT followers_count = 3 FROM actors WHERE username = 'commons'"),
        "three members",
        instances=both,
    )
    await join(masto, "max", hub)
    await join(lemmy, "lu", hub)
    spam = await post(masto, "max", hub, 1)
    thread = await post(lemmy, "lu", hub, 2)
    for create in (spam, thread):
        await eventually(
            lambda c=create: stored(town, c["object"]["id"]),
            "town to get the threads",
            instances=both,
        )

    # 1. rem removes max's thread, from town
    assert "sent" in town.cli(
        "mod", "remove", spam["object"]["id"], "--reason", "spam", "--as", "rem"
    )
    await eventually(
        lambda: hub.fetchval(
            "SELECT removed_at IS NOT NULL FROM posts WHERE uri = $1", spam["object"]["id"]
        ),
        "hub to remove the thread",
        instances=both,
    )
    await eventually(
        seen(lambda: lemmy.wrapped("Delete")), "lee to get the removal", instances=both
    )
    removal = lemmy.wrapped("Delete")[0]["object"]
    assert removal["actor"] == f"{town.base_url}/users/rem"
    assert removal["summary"] == "spam"
    assert removal["object"] == spam["object"]["id"]
    await eventually(
        seen(lambda: masto.activities("Undo")), "mia's server to get the Undo", instances=both
    )
    undo = masto.activities("Undo")[0]
    assert undo["object"]["type"] == "Announce"
    assert undo["object"]["object"] == spam["object"]["id"]
    await eventually(
        lambda: town.fetchval(
            "SELECT deleted_at IS NOT NULL FROM posts WHERE uri = $1", spam["object"]["id"]
        ),
        "town's copy to go",
        instances=both,
    )

    # 2. rem bans max for good
    town.cli("mod", "ban", commons, masto.handle("max"), "--reason", "troll", "--as", "rem")
    await eventually(seen(lambda: lemmy.wrapped("Block")), "lee to get the ban", instances=both)
    ban = lemmy.wrapped("Block")[0]["object"]
    assert (ban["object"], ban["target"], ban["summary"]) == (
        masto.uri("max"),
        group_uri(hub),
        "troll",
    )
    await eventually(
        seen(lambda: [b for b in masto.activities("Block") if b["actor"] == group_uri(hub)]),
        "max's server (Mastodon) to get the group's own Block",
        instances=both,
    )
    refused = await post(masto, "max", hub, 3)
    await eventually(
        seen(lambda: [r for r in masto.activities("Reject") if r["object"]["id"] == refused["id"]]),
        "max's next post to be refused",
        instances=both,
    )
    reject = next(r for r in masto.activities("Reject") if r["object"]["id"] == refused["id"])
    assert reject["summary"] == "you are banned from this group: troll"

    # 3. rem locks lu's thread: replies are refused
    town.cli("mod", "lock", thread["object"]["id"], "--as", "rem")
    await eventually(seen(lambda: lemmy.wrapped("Lock")), "lee to get the lock", instances=both)
    reply = await post(lemmy, "lee", hub, 4, inReplyTo=thread["object"]["id"])
    await eventually(
        seen(lambda: [r for r in lemmy.activities("Reject") if r["object"]["id"] == reply["id"]]),
        "the reply to be refused",
        instances=both,
    )
    assert not await stored(hub, reply["object"]["id"])

    # 4. rem pins it
    town.cli("mod", "pin", thread["object"]["id"], "--as", "rem")
    await eventually(seen(lambda: lemmy.wrapped("Add")), "lee to get the pin", instances=both)
    assert lemmy.wrapped("Add")[0]["object"]["target"] == f"{group_uri(hub)}/featured"
    await eventually(
        seen(lambda: [a for a in masto.activities("Add") if a["actor"] == group_uri(hub)]),
        "mia's server to get the group's own Add to featured",
        instances=both,
    )
    assert not masto.wrapped("Lock"), "microblogs read no lock: they get none"

    # 5. the same acts from bob (town, no moderator) and from mia (Mastodon) change nothing
    before = len(lemmy.activities("Announce"))
    bob_acts = [
        ("mod", "unpin", thread["object"]["id"], "--as", "bob"),
        ("mod", "unlock", thread["object"]["id"], "--as", "bob"),
        ("mod", "remove", thread["object"]["id"], "--reason", "mine", "--as", "bob"),
        ("mod", "unban", commons, masto.handle("max"), "--as", "bob"),
        ("mod", "ban", commons, lemmy.handle("lee"), "--as", "bob"),
    ]
    for args in bob_acts:
        assert "sent" in town.cli(*args)
    forged = {
        "id": f"{masto.uri('mia')}/acts/remove/1",
        "type": "Delete",
        "actor": masto.uri("mia"),
        "object": thread["object"]["id"],
        "summary": "I moderate nothing",
        "to": [PUBLIC],
        "cc": [group_uri(hub)],
        "audience": group_uri(hub),
    }
    await masto.post(f"{hub.base_url}/inbox", forged, "mia")
    await eventually(
        lambda: hub.fetchval(
            "SELECT count(*) = 6 FROM inbox_items WHERE state = 'ignored'"
            " AND error LIKE '% is not a moderator of commons@%'"
        ),
        "hub to refuse the six acts",
        instances=both,
    )
    post_row = await hub.fetchval(
        "SELECT (deleted_at IS NULL AND locked AND pinned)::text FROM posts WHERE uri = $1",
        thread["object"]["id"],
    )
    assert post_row == "true"
    assert await hub.fetchval(
        "SELECT count(*) FROM group_bans b JOIN actors a ON a.id = b.actor_id WHERE a.uri = $1",
        masto.uri("max"),
    )
    assert len(lemmy.activities("Announce")) == before, "refused acts are never announced"

    # 6. a proposal to remove cy does nothing until a second moderator approves
    proposed = town.cli(
        "group", "moderators", "remove", commons, f"@cy@{hub.domain}", "--as", "rem"
    )
    assert "sent" in proposed
    await eventually(
        lambda: hub.fetchval("SELECT id FROM governance_proposals WHERE state = 'open'"),
        "the proposal",
        instances=both,
    )
    proposal_id = str(await hub.fetchval("SELECT id FROM governance_proposals"))
    assert f"@cy@{hub.domain}" in hub.cli("group", "moderators", "list", "commons")
    listed = hub.cli("group", "proposals", "list", "commons")
    assert f"{proposal_id}\topen\tremove_moderator" in listed
    assert "1/2 approvals" in listed
    approved = hub.cli("group", "proposals", "approve", "commons", proposal_id, "--as", "ada")
    assert f"remove_moderator applied in commons@{hub.domain} (proposal {proposal_id})" == approved
    assert f"@cy@{hub.domain}" not in hub.cli("group", "moderators", "list", "commons")
    await eventually(
        seen(lambda: lemmy.wrapped("Remove")), "lee to hear of the team", instances=both
    )

    # 7. every act is on the public log, newest first; the admin's act shows the instance actor
    items = modlog(hub)
    kinds = [(i["type"], i["actor"].rsplit("/", 1)[-1]) for i in reversed(items)]
    assert kinds == [
        ("Add", "ada"),
        ("Add", "actor"),
        ("Delete", "rem"),
        ("Block", "rem"),
        ("Lock", "rem"),
        ("Add", "rem"),
        ("Offer", "rem"),
        ("Accept", "ada"),
        ("Remove", "rem"),
    ]
    removed = next(i for i in items if i["type"] == "Delete")
    assert set(removed["object"]) == {"id", "type", "formerType"}, "named, never republished"
    assert items[0]["proposal"] == items[2]["id"]

    # 8. a refused act is one line and exit status 1; a proposal's id is printed, exit 0
    done = run_cli(
        "mod", "lock", spam["object"]["id"], "--as", "nobody", env=hub.server.env, cwd=hub.workdir
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    out = hub.cli("group", "set", "commons", "--posting", "moderators", "--as", "ada")
    assert out.startswith("proposal ")


async def test_reports_reach_moderators_here_and_only_the_servers_of_those_elsewhere(
    world: dict[str, Any],
) -> None:
    hub, town, masto, lemmy = world["hub"], world["town"], world["masto"], world["lemmy"]
    both = (hub, town)
    hub.cli("user", "create", "ada")
    town.cli("user", "create", "rem")
    hub.cli("group", "create", "commons", "--moderator", "ada")
    hub.cli("group", "moderators", "add", "commons", f"@rem@{town.domain}", "--as", "ada")
    await eventually(
        lambda: town.fetchval("SELECT count(*) FROM group_moderators"),
        "town to know rem's role",
        instances=both,
    )
    for fake, name in ((masto, "mia"), (lemmy, "lu")):
        await join(fake, name, hub)
    thread = await post(masto, "mia", hub, 1)
    await eventually(lambda: stored(hub, thread["object"]["id"]), "the thread", instances=both)

    # Mastodon's report: its instance actor's Flag of the account and its status, `content`
    mastodon_flag = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{masto.base_url}/reports/1",
        "type": "Flag",
        "actor": masto.uri("actor"),
        "content": "Please take a look at this user and their posts",
        "object": [masto.uri("mia"), thread["object"]["id"]],
        "to": masto.uri("mia"),
    }
    # Lemmy's report: the reporter's Flag to the community, `object` the post, `summary`
    lemmy_flag = {
        "id": f"{lemmy.base_url}/activities/flag/1",
        "type": "Flag",
        "actor": lemmy.uri("lu"),
        "to": [group_uri(hub)],
        "audience": group_uri(hub),
        "object": thread["object"]["id"],
        "summary": "report this post",
    }
    await masto.post(f"{hub.base_url}/inbox", mastodon_flag, "actor")
    await lemmy.post(f"{hub.base_url}/inbox", lemmy_flag, "lu")
    await eventually(
        lambda: hub.fetchval("SELECT count(*) = 2 FROM reports"), "both reports", instances=both
    )
    reports = hub.cli("mod", "reports", "commons")
    assert f"by @{masto.host}@{masto.host}" in reports
    assert f"by @lu@{lemmy.host}\t{thread['object']['id']}\treport this post" in reports
    notified = await hub.fetchval(
        "SELECT count(*) FROM notifications n JOIN actors a ON a.id = n.recipient_id"
        " WHERE n.kind = 'admin.report' AND a.username = 'ada'"
    )
    assert notified == 2, "ada (here) is notified of each"

    # rem (on town) gets each forwarded, and town shows it to rem
    await eventually(
        lambda: town.fetchval(
            "SELECT count(*) = 2 FROM notifications n JOIN actors a ON a.id = n.recipient_id"
            " WHERE n.kind = 'admin.report' AND a.username = 'rem'"
        ),
        "rem's server to get both reports",
        instances=both,
    )
    assert "report this post" in town.cli("mod", "reports", f"@commons@{hub.domain}")
    forwarded_to = await hub.fetchval(
        "SELECT array_agg(DISTINCT d.host) FROM deliveries d JOIN activities a"
        " ON a.id = d.activity_id WHERE a.type = 'Announce' AND a.object_uri = ANY($1)",
        [mastodon_flag["id"], lemmy_flag["id"]],
    )
    assert forwarded_to == [town.domain], "exactly the servers hosting remote moderators"
    assert not masto.wrapped("Flag")
    assert not lemmy.wrapped("Flag")

    report_id = reports.split("\t", 1)[0]
    assert "resolve_report applied" in hub.cli("mod", "resolve", report_id, "--as", "ada")
    assert "no open reports" not in hub.cli("mod", "reports", "commons")


async def test_premoderation_holds_announces_on_approval_and_rejects(
    world: dict[str, Any],
) -> None:
    hub, masto, lemmy = world["hub"], world["masto"], world["lemmy"]
    hub.cli("user", "create", "ada")
    hub.cli("group", "create", "commons", "--moderator", "ada")
    out = hub.cli("group", "set", "commons", "--premoderation", "all", "--as", "ada")
    assert out == f"set_premoderation applied in commons@{hub.domain}"
    for fake, name in ((masto, "mia"), (lemmy, "lee"), (lemmy, "lu")):
        await join(fake, name, hub)
    await eventually(
        lambda: hub.fetchval("SELECT followers_count = 3 FROM actors WHERE username = 'commons'"),
        "three members",
        instances=(hub,),
    )
    held = await post(lemmy, "lu", hub, 1)
    await eventually(
        lambda: hub.fetchval("SELECT count(*) FROM held_posts"),
        "the post to wait",
        instances=(hub,),
    )
    assert not await stored(hub, held["object"]["id"]), "held: not shown"
    assert held["object"]["id"] in hub.cli("mod", "queue", "commons")
    assert not lemmy.wrapped("Create")
    assert not masto.activities("Announce"), "held: not announced"

    assert "approve_post applied" in hub.cli("mod", "approve", held["object"]["id"], "--as", "ada")
    await eventually(seen(lambda: lemmy.wrapped("Create")), "the announce", instances=(hub,))
    assert lemmy.wrapped("Create")[0]["object"]["id"] == held["id"]
    await eventually(seen(lambda: masto.activities("Announce")), "the boost", instances=(hub,))
    assert masto.activities("Announce")[0]["object"] == held["object"]["id"]

    refused = await post(lemmy, "lu", hub, 2)
    await eventually(
        lambda: hub.fetchval("SELECT count(*) FROM held_posts"),
        "the post to wait",
        instances=(hub,),
    )
    hub.cli("mod", "reject", refused["object"]["id"], "--reason", "off topic", "--as", "ada")
    await eventually(
        seen(lambda: [r for r in lemmy.activities("Reject") if r["object"]["id"] == refused["id"]]),
        "the author's Reject",
        instances=(hub,),
    )
    reject = next(r for r in lemmy.activities("Reject") if r["object"]["id"] == refused["id"])
    assert reject["summary"] == "off topic"
    assert reject["actor"] == group_uri(hub)
    assert not await stored(hub, refused["object"]["id"]), "it never appears"
    assert len(lemmy.wrapped("Create")) == 1
