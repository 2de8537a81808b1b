"""A community's public moderation log (``/@NAME/modlog``): the entries of its AS2 modlog
collection (:mod:`community.modlog`), newest first, in words, filterable by kind, keyset-paged
(``?before=ID``).

Three queries a page whatever the log's length: the community, one page of lines with who
acted, and the names of the people and posts those lines name.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.errors import InvalidInput
from community.moderation_pages import LOG_PAGE, log_lines, named_on_log
from fediverse.web.links import actor_path
from fediverse.web.moderation.common import local_group
from fediverse.web.moderation.words import PHRASES, Names, describe_line, line_uris
from fediverse.web.state import context
from fediverse.web.templating import render, visit

#: the filters of the log page: name → (label, kinds)
FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "posts": ("Removals and restorations", ("remove_post", "restore_post")),
    "threads": ("Locks and pins", ("lock", "unlock", "pin", "unpin")),
    "bans": ("Bans", ("ban", "unban")),
    "queue": ("Pre-moderation decisions", ("approve_post", "reject_post")),
    "reports": ("Reports", ("resolve_report",)),
    "team": ("The moderator team", ("add_moderator", "remove_moderator")),
    "rules": (
        "Rules and profile",
        (
            "edit_profile",
            "set_posting",
            "set_closed",
            "set_premoderation",
            "set_quorum",
            "set_visibility",
        ),
    ),
    "proposals": ("Proposals and votes", ("propose", "approve", "decline")),
}
MAX_CURSOR = 2**63 - 1


def kinds_of(chosen: str) -> tuple[str, ...] | None:
    """The kinds a filter (or one kind by its name) stands for; None for all."""
    if not chosen:
        return None
    if chosen in FILTERS:
        return FILTERS[chosen][1]
    if chosen in PHRASES:
        return (chosen,)
    raise InvalidInput(f"the log is filtered by {', '.join(FILTERS)}, not {chosen[:30]!r}")


def _before(request: Request) -> int | None:
    value = request.query_params.get("before", "")
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_CURSOR:
        raise InvalidInput("before is an entry's number")
    return int(value)


async def modlog_page(request: Request) -> Response:
    chosen = request.query_params.get("kind", "")
    kinds, before = kinds_of(chosen), _before(request)
    seen = await visit(request)
    async with context(request).pool.acquire() as conn:
        group = await local_group(request, conn)
        lines = await log_lines(conn, group, before=before, kinds=kinds, limit=LOG_PAGE + 1)
        shown = lines[:LOG_PAGE]
        names = Names(await named_on_log(conn, [u for line in shown for u in line_uris(line)]))
    return render(
        seen,
        "modlog.html",
        group=group,
        lines=[(line, describe_line(line, names)) for line in shown],
        names=names,
        filters=FILTERS,
        chosen=chosen,
        first_page=before is None,
        older=shown[-1].id if len(lines) > LOG_PAGE else None,
        page_url=context(request).urls.base_url + actor_path(group) + "/modlog",
    )


routes = [Route("/@{name}/modlog", modlog_page, methods=["GET"])]
