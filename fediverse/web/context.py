"""The long-lived resources of one process, opened in the lifespan and handed to requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
from starlette.requests import Request

from fediverse.policy import DomainPolicy
from fediverse.settings import Settings
from fediverse.urls import Urls


@dataclass
class AppContext:
    settings: Settings
    urls: Urls
    pool: asyncpg.Pool
    # which domains we federate with: ask ``policy.is_domain_allowed(conn, host)``
    policy: DomainPolicy
    # Services added by later layers (fetcher, delivery, …), keyed by name.
    services: dict[str, Any] = field(default_factory=dict)


def context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.context
    return ctx
