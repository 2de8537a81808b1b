"""Discovery: WebFinger (RFC 7033), host-meta (RFC 6415), NodeInfo 2.1, FEP-2677."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import (
    Actor,
    find_actor_by_uri_or_url,
    find_instance_actor,
    find_local_actor,
)
from community.context import AppContext
from community.directory import listed_local_groups
from community.usage import read_usage
from fediverse import __version__
from fediverse.web.errors import error_response
from fediverse.web.negotiation import AS2_MEDIA_TYPE
from fediverse.web.responses import JRDResponse, JSONResponse
from fediverse.web.state import context

CORS = {"Access-Control-Allow-Origin": "*"}
NODEINFO_REL = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_PROFILE = 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
APPLICATION_REL = "https://www.w3.org/ns/activitystreams#Application"


class BadResource(ValueError):
    """A WebFinger ``resource`` we cannot read."""


def parse_resource(resource: str, ctx: AppContext) -> tuple[str, str | None]:
    """Classify a resource as ``("instance", None)``, ``("name", username)`` or ``("uri", uri)``.

    Raises :class:`BadResource` for malformed input; a well-formed resource of another host
    comes back as ``("foreign", None)``.
    """
    resource = resource.strip()
    domain = ctx.urls.domain
    if not resource or len(resource) > 1000:
        raise BadResource("resource is empty or too long")
    if resource.lower() in {domain, ctx.urls.base_url + "/", ctx.urls.base_url}:
        return "instance", None
    if resource.lower().startswith("acct:"):
        user, sep, host = unquote(resource[5:]).lstrip("@").rpartition("@")
        if not sep or not user or not host or "@" in user or "/" in host:
            raise BadResource(f"{resource!r} is not of the form acct:name@host")
        if host.lower() != domain:
            return "foreign", None
        return ("instance", None) if user.lower() == domain else ("name", user)
    if resource.startswith(("https://", "http://")):
        if not ctx.urls.is_local(resource):
            return "foreign", None
        return "uri", resource
    raise BadResource(f"{resource!r} is not an acct: or http(s) URI")


async def _actor_for(ctx: AppContext, kind: str, value: str | None) -> Actor | None:
    async with ctx.pool.acquire() as conn:
        if kind == "instance":
            return await find_instance_actor(conn)
        assert value is not None
        if kind == "name":
            return await find_local_actor(conn, value)
        found = await find_actor_by_uri_or_url(conn, value)
    return found if found is not None and found.local else None


def render_jrd(actor: Actor, domain: str) -> dict[str, Any]:
    links: list[dict[str, Any]] = [
        {"rel": "self", "type": AS2_MEDIA_TYPE, "href": actor.uri},
    ]
    if actor.url and actor.type != "Application":
        links.insert(
            0,
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": actor.url,
            },
        )
    return {
        "subject": f"acct:{actor.username}@{domain}",
        "aliases": [actor.uri] + ([actor.url] if actor.url and actor.url != actor.uri else []),
        "links": links,
    }


async def webfinger(request: Request) -> Response:
    ctx = context(request)
    resource = request.query_params.get("resource")
    if resource is None:
        return error_response(400, "the resource parameter is required", CORS)
    try:
        kind, value = parse_resource(resource, ctx)
    except BadResource as exc:
        return error_response(400, str(exc), CORS)
    if kind == "foreign":
        return error_response(404, f"{resource} is not an account on this server", CORS)
    actor = await _actor_for(ctx, kind, value)
    if actor is None:
        return error_response(404, f"no account {resource} on this server", CORS)
    if actor.deleted_at is not None:
        return error_response(410, f"{resource} was deleted", CORS)
    return JRDResponse(render_jrd(actor, ctx.urls.domain), headers=CORS)


async def host_meta(request: Request) -> Response:
    template = context(request).urls.base_url + "/.well-known/webfinger?resource={uri}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(body, media_type="application/xrd+xml", headers=CORS)


async def nodeinfo_links(request: Request) -> Response:
    urls = context(request).urls
    return JSONResponse(
        {
            "links": [
                {"rel": NODEINFO_REL, "href": f"{urls.base_url}/nodeinfo/2.1"},
                {"rel": APPLICATION_REL, "href": urls.instance_actor_uri},
            ]
        },
        headers=CORS,
    )


def community_summary(group: Actor) -> dict[str, str]:
    """A public community as NodeInfo ``metadata.communities`` lists it (docs/bridges.md)."""
    return {"id": group.uri, "name": group.name or group.username, "acct": group.handle}


async def nodeinfo(request: Request) -> Response:
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        usage = await read_usage(conn)
        communities = await listed_local_groups(conn)
    doc = {
        "version": "2.1",
        "software": {
            "name": "fediverse",
            "version": __version__,
            "homepage": ctx.urls.base_url + "/",
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": ctx.settings.registration_mode != "closed",
        "usage": {
            "users": {
                "total": usage.users,
                "activeMonth": usage.active_month,
                "activeHalfyear": usage.active_halfyear,
            },
            "localPosts": usage.local_posts,
        },
        "metadata": {
            "nodeName": ctx.settings.instance_name,
            "nodeDescription": ctx.settings.instance_description,
            "localGroups": usage.local_groups,
            "communities": [community_summary(g) for g in communities],
            "federation": {"signatures": ["draft-cavage-http-signatures-12", "rfc9421"]},
        },
    }
    return JSONResponse(doc, media_type=NODEINFO_PROFILE, headers=CORS)


routes = [
    Route("/.well-known/webfinger", webfinger, methods=["GET"]),
    Route("/.well-known/host-meta", host_meta, methods=["GET"]),
    Route("/.well-known/nodeinfo", nodeinfo_links, methods=["GET"]),
    Route("/nodeinfo/2.1", nodeinfo, methods=["GET"]),
]
