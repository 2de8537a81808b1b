"""The downloads: a community's archive for its moderators, a member's own for them."""

from __future__ import annotations

from community.accounts import create_user
from community.portability import read_archive
from community.sessions import start_session
from fediverse.web.csrf import SESSION_COOKIE


async def signed_in_as(client, conn, actor) -> None:
    client.cookies.set(SESSION_COOKIE, await start_session(conn, actor), domain="social.test")


async def test_a_moderator_downloads_the_community(client, world, conn) -> None:
    anonymous = await client.get("/groups/main/export")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/auth/sign_in?next=/groups/main/export"

    member = await create_user(conn, world.urls, "member")
    await signed_in_as(client, conn, member)
    refused = await client.get("/groups/main/export")
    assert refused.status_code == 403
    assert refused.json() == {"error": "only the community's moderators may download it"}

    await signed_in_as(client, conn, world.mod)
    response = await client.get("/groups/main/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert response.headers["content-disposition"].startswith('attachment; filename="main-')
    archive = read_archive(response.content)
    assert archive.group_uri == world.group.uri
    assert not archive.has_key  # never from the web
    assert (await client.get("/groups/nowhere/export")).status_code == 404


async def test_a_member_downloads_their_own(client, world, conn) -> None:
    await signed_in_as(client, conn, world.mod)
    archive = await client.get("/auth/account/archive")
    assert archive.status_code == 200
    assert archive.headers["content-disposition"].startswith('attachment; filename="archive-mod-')
    csv = await client.get("/auth/account/following_accounts.csv")
    assert csv.text.startswith("Account address,Show boosts,Notify on new posts,Languages\n")
