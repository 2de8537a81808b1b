"""The moderators' API under /api/v1/groups/… and POST /api/v1/reports, end to end through the
app (the same functions as the CLI)."""

import httpx

from tests.api.conftest import step

AUTH = "Authorization"


async def test_a_member_creates_a_community_and_governs_it_with_others(
    client: httpx.AsyncClient, ctx, town, conn
) -> None:
    made = await client.post(
        "/api/v1/groups", headers=town.alice, json={"name": "commons", "title": "The Commons"}
    )
    assert made.status_code == 200, made.text
    group = made.json()
    assert group["title"] == "The Commons"
    assert [m["username"] for m in group["moderators"]] == ["alice"]
    assert group["modlog"].endswith("/groups/commons/modlog")

    edit = await client.patch(
        "/api/v1/groups/commons",
        headers=town.alice,
        json={"summary": "Be kind.", "posting": "anyone"},
    )
    assert [r["state"] for r in edit.json()["results"]] == ["applied", "applied"]
    bob_id = await conn.fetchval("SELECT id FROM actors WHERE username = 'bob'")
    added = await client.post(
        "/api/v1/groups/commons/moderators", headers=town.alice, json={"account_id": str(bob_id)}
    )
    assert added.json()["state"] == "applied"

    proposed = await client.patch(
        "/api/v1/groups/commons", headers=town.alice, json={"premoderation": "all"}
    )
    (result,) = proposed.json()["results"]
    assert result["state"] == "proposed"
    assert (result["approvals"], result["needed"]) == (1, 2)
    shown = (await client.get("/api/v1/groups/commons")).json()
    assert shown["premoderation"] == "off"
    listed = (await client.get("/api/v1/groups/commons/proposals")).json()
    assert listed[0]["kind"] == "set_premoderation"
    approved = await client.post(
        f"/api/v1/groups/commons/proposals/{result['proposal_id']}/approve", headers=town.bob
    )
    assert approved.status_code == 200
    assert approved.json()["state"] == "applied"
    assert (await client.get("/api/v1/groups/commons")).json()["premoderation"] == "all"
    log = (await client.get("/api/v1/groups/commons/modlog")).json()
    kinds = [e["kind"] for e in log]
    assert kinds[:3] == ["set_premoderation", "approve", "propose"]


async def test_rules_are_set_and_shown_apart_from_the_summary(
    client: httpx.AsyncClient, ctx, town, conn
) -> None:
    await client.post(
        "/api/v1/groups", headers=town.alice, json={"name": "commons", "summary": "About us."}
    )
    assert (await client.get("/api/v1/groups/commons")).json()["rules"] == ""
    edit = await client.patch(
        "/api/v1/groups/commons", headers=town.alice, json={"rules": "- Be *kind*."}
    )
    assert [(r["kind"], r["state"]) for r in edit.json()["results"]] == [
        ("edit_profile", "applied")
    ]
    shown = (await client.get("/api/v1/groups/commons")).json()
    assert shown["rules"] == "<ul>\n<li>Be <em>kind</em>.</li>\n</ul>\n"
    assert shown["summary"] == "<p>About us.</p>"
    too_long = await client.patch(
        "/api/v1/groups/commons", headers=town.alice, json={"rules": "x" * 5001}
    )
    assert too_long.status_code == 422, too_long.text
    assert "rules have at most 5000 characters" in too_long.json()["error"]


async def test_non_moderators_are_refused(client: httpx.AsyncClient, ctx, town, conn) -> None:
    await client.post("/api/v1/groups", headers=town.alice, json={"name": "commons"})
    refused = await client.patch("/api/v1/groups/commons", headers=town.bob, json={"title": "Mine"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "bob@social.test is not a moderator of commons@social.test"
    assert (await client.get("/api/v1/groups/commons/reports", headers=town.bob)).status_code == 403
    assert (await client.get("/api/v1/groups/nowhere")).status_code == 404
    bad = await client.post("/api/v1/groups", headers=town.bob, json={"name": "no spaces"})
    assert bad.status_code == 422


async def test_reports_ban_and_acts_on_posts(client: httpx.AsyncClient, ctx, town, conn) -> None:
    await client.post("/api/v1/groups", headers=town.alice, json={"name": "commons"})
    await client.post(
        "/api/v1/accounts/" + str(await _id(conn, "commons")) + "/follow", headers=town.bob
    )
    await step(ctx)
    status = await client.post(
        "/api/v1/statuses", headers=town.bob, json={"status": "@commons Buy my stuff"}
    )
    await step(ctx)
    status_id = status.json()["id"]
    bob_id = await _id(conn, "bob")
    report = await client.post(
        "/api/v1/reports",
        headers=town.alice,
        json={"account_id": str(bob_id), "status_ids": [status_id], "comment": "spam"},
    )
    assert report.status_code == 200, report.text
    assert report.json()["status_ids"] == [status_id]
    assert report.json()["target_account"]["username"] == "bob"
    reports = (await client.get("/api/v1/groups/commons/reports", headers=town.alice)).json()
    assert reports[0]["reporter"]["acct"] == "alice@social.test"
    assert reports[0]["comment"] == "spam"
    resolved = await client.post(
        f"/api/v1/groups/commons/reports/{reports[0]['id']}/resolve", headers=town.alice
    )
    assert resolved.json()["state"] == "applied"

    removed = await client.post(
        f"/api/v1/groups/commons/statuses/{status_id}/remove",
        headers=town.alice,
        json={"reason": "spam"},
    )
    assert removed.json()["state"] == "applied"
    assert (await client.get(f"/api/v1/statuses/{status_id}")).status_code == 404
    banned = await client.post(
        "/api/v1/groups/commons/bans",
        headers=town.alice,
        json={"account_id": str(bob_id), "reason": "spam", "days": 7},
    )
    assert banned.json()["state"] == "applied"
    bans = (await client.get("/api/v1/groups/commons/bans", headers=town.alice)).json()
    assert bans[0]["acct"] == "bob@social.test"
    assert bans[0]["expires_at"] is not None
    lifted = await client.delete(f"/api/v1/groups/commons/bans/{bob_id}", headers=town.alice)
    assert lifted.json()["state"] == "applied"


async def _id(conn, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE username = $1", name))


async def test_a_deleted_community_is_gone(client: httpx.AsyncClient, ctx, town, conn) -> None:
    await client.post("/api/v1/groups", headers=town.alice, json={"name": "commons"})
    deleted = await client.request(
        "DELETE", "/api/v1/groups/commons", headers=town.alice, json={"reason": "we are done"}
    )
    assert deleted.json()["state"] == "applied"
    doc = await client.get("/groups/commons", headers={"Accept": "application/activity+json"})
    assert doc.status_code == 410
    assert doc.json()["type"] == "Tombstone"
    assert (await client.get("/api/v1/groups/commons")).status_code == 404
    modlog = await client.get(
        "/groups/commons/modlog", headers={"Accept": "application/activity+json"}
    )
    assert modlog.json()["totalItems"] == 1, "its log stays public"
