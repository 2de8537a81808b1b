"""``/api/v1/instance`` and ``/api/v2/instance`` (``app/serializers/rest/instance_serializer
.rb`` and ``rest/v1/instance_serializer.rb`` of mastodon/mastodon), plus the small endpoints
apps call at start-up that we answer with Mastodon's empty values."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.context import AppContext
from community.imaging import MEDIA_TYPES
from community.media import MAX_ATTACHMENTS
from community.polls import MAX_EXPIRATION, MAX_OPTION_CHARACTERS, MAX_OPTIONS, MIN_EXPIRATION
from community.settings import Settings
from community.urls import Urls
from community.usage import Usage, read_usage
from fediverse import __version__
from fediverse.api.common import answer
from fediverse.api.entities import JSON, default_header_url
from fediverse.web.state import context
from outbox.actions import MAX_POST_LENGTH

# Apps read features from the Mastodon version they are told; we speak 4.3's client API.
MASTODON_VERSION = f"4.3.0 (compatible; fediverse {__version__})"


def streaming_url(urls: Urls) -> str:
    """Where apps open the streaming API: this server, over ``wss`` (``ws`` without TLS), as
    Mastodon advertises its streaming server (its apps add ``/api/v1/streaming``)."""
    scheme, _, rest = urls.base_url.partition("://")
    return ("wss" if scheme == "https" else "ws") + "://" + rest


def configuration(settings: Settings, urls: Urls) -> JSON:
    return {
        "urls": {"streaming": streaming_url(urls), "status": None},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": MAX_POST_LENGTH,
            "max_media_attachments": MAX_ATTACHMENTS,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": sorted(MEDIA_TYPES),
            "image_size_limit": settings.media_max_bytes,
            "image_matrix_limit": settings.media_max_pixels,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": MAX_OPTIONS,
            "max_characters_per_option": MAX_OPTION_CHARACTERS,
            "min_expiration": MIN_EXPIRATION,
            "max_expiration": MAX_EXPIRATION,
        },
        "translation": {"enabled": False},
    }


def render_instance_v2(ctx: AppContext, usage: Usage) -> JSON:
    settings = ctx.settings
    mode = settings.registration_mode
    return {
        "domain": ctx.urls.domain,
        "title": settings.instance_name,
        "version": MASTODON_VERSION,
        "source_url": "https://github.com/fediverse/fediverse",
        "description": settings.instance_description,
        "usage": {"users": {"active_month": usage.active_month}},
        "thumbnail": {"url": default_header_url(ctx.urls)},
        "icon": [],
        "languages": ["en"],
        "configuration": {**configuration(settings, ctx.urls), "vapid": {"public_key": ""}},
        "registrations": {
            "enabled": mode != "closed",
            "approval_required": mode == "approval",
            "reason_required": False,
            "message": None,
            "min_age": None,
            "url": None,
        },
        "api_versions": {"mastodon": 2},
        "contact": {"email": "", "account": None},
        "rules": [],
    }


def render_instance_v1(ctx: AppContext, usage: Usage) -> JSON:
    settings = ctx.settings
    mode = settings.registration_mode
    return {
        "uri": ctx.urls.domain,
        "title": settings.instance_name,
        "short_description": settings.instance_description,
        "description": settings.instance_description,
        "email": "",
        "version": MASTODON_VERSION,
        "urls": {"streaming_api": streaming_url(ctx.urls)},
        "stats": {
            "user_count": usage.users,
            "status_count": usage.local_posts,
            "domain_count": 0,
        },
        "thumbnail": default_header_url(ctx.urls),
        "languages": ["en"],
        "registrations": mode != "closed",
        "approval_required": mode == "approval",
        "invites_enabled": False,
        "configuration": configuration(settings, ctx.urls),
        "contact_account": None,
        "rules": [],
    }


async def _usage(ctx: AppContext) -> Usage:
    async with ctx.pool.acquire() as conn:
        return await read_usage(conn)


async def instance_v2(request: Request) -> Response:
    ctx = context(request)
    return answer(render_instance_v2(ctx, await _usage(ctx)))


async def instance_v1(request: Request) -> Response:
    ctx = context(request)
    return answer(render_instance_v1(ctx, await _usage(ctx)))


async def empty_list(request: Request) -> Response:
    return answer([])


async def preferences(request: Request) -> Response:
    return answer(
        {
            "posting:default:visibility": "public",
            "posting:default:sensitive": False,
            "posting:default:language": None,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )


async def missing_image(request: Request) -> Response:
    return Response(
        MISSING_PNG, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


# A 1×1 grey PNG: apps expect avatar and header URLs that load.
MISSING_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c63e8e8e8f80f0005cc02983243ae9c0000000049454e44ae426082"
)

routes = [
    Route("/api/v1/instance", instance_v1, methods=["GET"]),
    Route("/api/v2/instance", instance_v2, methods=["GET"]),
    Route("/api/v1/custom_emojis", empty_list, methods=["GET"]),
    Route("/api/v1/filters", empty_list, methods=["GET"]),
    Route("/api/v2/filters", empty_list, methods=["GET"]),
    Route("/api/v1/announcements", empty_list, methods=["GET"]),
    Route("/api/v1/preferences", preferences, methods=["GET"]),
    Route("/avatars/original/missing.png", missing_image, methods=["GET"]),
    Route("/headers/original/missing.png", missing_image, methods=["GET"]),
]
