"""``GET /api/v1/directory``: the directory of communities, as Mastodon apps read a profile
directory (``app/controllers/api/v1/directories_controller.rb`` of mastodon/mastodon: ``offset``,
``limit`` up to 80, ``order`` ``active`` or ``new``, ``local``), each community an Account with
``group: true``. ``local=false`` (the default) lists the communities of other servers we know of
too. Our own parameters search it: ``q`` (words), ``tag``, ``language``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.directory import MAX_PAGE, DirectoryQuery, Entry, search_directory
from community.statuses import AccountView
from community.urls import Urls
from fediverse.api.common import answer
from fediverse.api.entities import JSON, render_account
from fediverse.api.params import Params, read_params
from fediverse.web.state import context


def query_of(params: Params) -> DirectoryQuery:
    return DirectoryQuery(
        words=params.text("q"),
        tag=params.text("tag"),
        language=params.text("language"),
        local_only=params.flag("local"),
        limit=params.integer("limit") or 40,
        offset=params.integer("offset") or 0,
        order="new" if params.text("order") == "new" else "active",
    )


def render_entry(entry: Entry, urls: Urls) -> JSON:
    """A community as a Mastodon Account: its members as followers, its last activity, and
    (ours) its language and topic tags."""
    view = AccountView(entry.group, entry.members, 0, 0, entry.last_activity, None, False)
    account = render_account(view, urls)
    account["fediverse"] = {"language": entry.language, "tags": entry.tags, "via": entry.via}
    return account


async def directory(request: Request) -> Response:
    ctx = context(request)
    query = query_of(await read_params(request))
    async with ctx.pool.acquire() as conn:
        entries = await search_directory(conn, query)
    return answer([render_entry(e, ctx.urls) for e in entries[:MAX_PAGE]])


routes = [Route("/api/v1/directory", directory, methods=["GET"])]
