"""``set_visibility`` ``{visibility}`` (``public``, ``unlisted``, ``private``): who may read a
community (issue 15, docs/private-communities.md). It needs the moderators' quorum: making a
private community public would expose what its members wrote for each other (DESIGN.md §1).

The act is the moderator's ``Update`` of the group naming what changes, with the properties
Lemmy reads a community's visibility from (``manuallyApprovesFollowers``: private;
``discoverable`` false: unlisted; LemmyNet/lemmy, crates/apub/objects/src/objects/community.rs
and crates/apub/objects/src/utils/functions.rs, ``community_visibility``) and our own
``visibility``. What others read: the group's own ``Update{Group}`` to microblog followers and
the FEP-1b12 ``Announce`` of the act, as for any profile change (:mod:`.rules`).
"""

from __future__ import annotations

from typing import Any

from community.actors import COMMUNITY_VISIBILITIES, CommunityVisibility
from community.audience import change_group_visibility
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.moderation import build_group_settings
from outbox.errors import ActRefused
from outbox.governance.kinds.common import here, param
from outbox.governance.kinds.rules import announce_profile
from outbox.governance.model import Act, Applying, Distribution, Kind
from outbox.governance.registry import register


def visibility_of(act: Act) -> CommunityVisibility:
    value = str(param(act, "visibility"))
    if value not in COMMUNITY_VISIBILITIES:
        allowed = ", ".join(COMMUNITY_VISIBILITIES)
        raise ActRefused("invalid", f"visibility must be one of {allowed}")
    return value


def changes_of(act: Act) -> dict[str, Any]:
    """The group's properties the act changes, as the log (and Lemmy) read them."""
    visibility = visibility_of(act)
    closed = visibility == "private" or act.group.manually_approves_followers
    return {
        "visibility": visibility,
        "manuallyApprovesFollowers": closed,
        "discoverable": visibility != "unlisted",
    }


async def build(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    return build_group_settings(urls, act.by, act.group, changes_of(act), act.reason)


async def apply(applying: Applying) -> Distribution:
    act = applying.act
    visibility = visibility_of(act)
    if not here(act):
        raise ActRefused("invalid", "only the community's own server changes its visibility")
    group = await change_group_visibility(applying.conn, act.group, visibility)
    return await announce_profile(applying, group)


SET_VISIBILITY = register(Kind("set_visibility", True, build, apply))
