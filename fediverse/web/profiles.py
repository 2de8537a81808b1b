"""``/@name`` (here) and ``/@name@host`` (known from elsewhere): a community's page or a
person's, whichever the name is. Machines asking for AS2 at ``/@name`` are sent to the id."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor
from community.errors import NotFoundError
from fediverse.web import groups, people
from fediverse.web.named import actor_named
from fediverse.web.negotiation import choose_representation
from fediverse.web.state import context


async def actor_page(request: Request, actor: Actor) -> Response:
    """The HTML page of ``actor``: its community page, or its person page."""
    if actor.is_group:
        return await groups.community_page(request, actor)
    return await people.person_page(request, actor)


async def profile(request: Request) -> Response:
    found = await actor_named(context(request), request.path_params["name"])
    if choose_representation(request.headers.get("accept")) == "as2":
        if not found.local:
            raise NotFoundError(f"@{request.path_params['name']} (not ours: ask its server)")
        return RedirectResponse(found.uri, status_code=302, headers={"Vary": "Accept"})
    return await actor_page(request, found)


routes = [Route("/@{name}", profile, methods=["GET"])]
