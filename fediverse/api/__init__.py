"""The Mastodon client API and ActivityPub client-to-server: what members' apps speak.

One module per resource; :mod:`~fediverse.api.entities` renders Mastodon's JSON shapes and
:mod:`~fediverse.api.auth` checks bearer tokens and scopes. ``docs/api.md`` lists every
endpoint and what it omits.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from fediverse.api import (
    accounts,
    apps,
    bridges,
    c2s,
    conversations,
    directory,
    edits,
    follow_requests,
    groups,
    instance,
    markers,
    media,
    moderation,
    notifications,
    oauth,
    polls,
    private,
    reports,
    safety,
    saved,
    search,
    statuses,
    streaming,
    tags,
    timelines,
)

routes: list[BaseRoute] = [
    *apps.routes,
    *oauth.routes,
    *instance.routes,
    *accounts.routes,
    *follow_requests.routes,
    *statuses.routes,
    *edits.routes,
    *media.routes,
    *polls.routes,
    *timelines.routes,
    *search.routes,
    *notifications.routes,
    *groups.routes,
    *private.routes,
    *moderation.routes,
    *reports.routes,
    *c2s.routes,
    *safety.routes,
    *saved.routes,
    *markers.routes,
    *conversations.routes,
    *tags.routes,
    *streaming.routes,
    *directory.routes,
    *bridges.routes,
]
