"""Downloads that let a community or a member leave.

* ``GET /groups/NAME/export``: the community's archive, for its moderators (and the
  server's administrators) signed in on the web; never the group's private key (only the
  admin's ``fediverse group export --include-key`` adds it).
* ``GET /auth/account/archive``: a member's own archive (``actor.json``, ``outbox.json``,
  ``likes.json``, ``following_accounts.csv``); ``GET /auth/account/following_accounts.csv``
  the follows list alone, as Mastodon exports it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.accounts import is_admin
from community.actors import Actor, find_local_actor
from community.errors import NotFoundError
from community.membership import is_moderator
from community.portability import account_archive, export_group, following_csv
from fediverse.web.csrf import signed_in
from fediverse.web.errors import error_response
from fediverse.web.state import context


def _download(data: bytes, filename: str, media_type: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


async def group_export(request: Request) -> Response:
    person = await signed_in(request)
    name = request.path_params["name"]
    if person is None:
        return RedirectResponse(f"/auth/sign_in?next=/groups/{name}/export", status_code=303)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await find_local_actor(conn, name)
        if group is None or not group.is_group:
            raise NotFoundError(f"community {name!r}")
        if not (await is_moderator(conn, group, person) or await is_admin(conn, person)):
            return error_response(403, "only the community's moderators may download it")
        data = await export_group(conn, ctx.urls, group)
    filename = f"{group.username}-community-{_today()}.tar.gz"
    return _download(data, filename, "application/gzip")


async def _member(request: Request, path: str) -> Actor | Response:
    person = await signed_in(request)
    if person is None:
        return RedirectResponse(f"/auth/sign_in?next={path}", status_code=303)
    return person


async def account_export(request: Request) -> Response:
    person = await _member(request, "/auth/account/archive")
    if isinstance(person, Response):
        return person
    async with context(request).pool.acquire() as conn:
        data = await account_archive(conn, person)
    return _download(data, f"archive-{person.username}-{_today()}.tar.gz", "application/gzip")


async def following_export(request: Request) -> Response:
    person = await _member(request, "/auth/account/following_accounts.csv")
    if isinstance(person, Response):
        return person
    async with context(request).pool.acquire() as conn:
        text = await following_csv(conn, person)
    return _download(text.encode(), "following_accounts.csv", "text/csv; charset=utf-8")


#: Before the actor routes: ``/groups/{name}/{collection}`` would take ``export`` otherwise.
routes = [
    Route("/groups/{name}/export", group_export, methods=["GET"]),
    Route("/auth/account/archive", account_export, methods=["GET"]),
    Route("/auth/account/following_accounts.csv", following_export, methods=["GET"]),
]
