"""The group's profile and rules, and its end.

* ``edit_profile`` ``{title?, summary?, rules?}``: no quorum (a profile edit). The rules are
  Markdown (stored and sent as sanitised HTML, ``""`` for none), apart from the description.
* ``set_posting`` ``{posting}`` (``members``, ``anyone``, ``moderators``), ``set_closed``
  ``{closed}``, ``set_premoderation`` ``{premoderation}`` (``off``, ``new``, ``all``),
  ``set_quorum`` ``{quorum}`` (``majority``, ``unanimous``): the quorum (who may post or join,
  what waits for a moderator, and the rule of consent itself).
* ``delete_group``: the quorum.

The act is the moderator's ``Update`` of the group naming what changes (``Delete`` of the
group for its end). What others read: the group's own ``Update{Group}`` (Mastodon reads a
profile only from the actor itself) to microblog followers, and the FEP-1b12 ``Announce`` of
that same ``Update`` to the others (Lemmy reads either); a deletion is announced, and the group
deletes itself for microblogs. Pre-moderation and the quorum are ours alone: only the log
shows them.
"""

from __future__ import annotations

from typing import Any

import orjson

from community.actors import Actor, get_local_key
from community.audience import members_only
from community.governance import (
    PREMODERATION,
    QUORUMS,
    mark_group_deleted,
    set_premoderation,
    set_quorum,
    update_group_profile,
)
from community.html import summary_html
from community.markdown import render_markdown
from community.render import render_actor
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.moderation import (
    build_group_deletion,
    build_group_settings,
    build_self_deletion,
    build_self_update,
)
from outbox.errors import ActRefused
from outbox.governance.kinds.common import param
from outbox.governance.model import SILENT, Act, Applying, Distribution, Kind, Wrapped
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing

POSTING = ("members", "anyone", "moderators")
MAX_TITLE = 100
MAX_SUMMARY = 5000
MAX_RULES = 5000


def _choice(act: Act, name: str, allowed: tuple[str, ...]) -> str:
    value = str(param(act, name))
    if value not in allowed:
        raise ActRefused("invalid", f"{name} must be one of {', '.join(allowed)}")
    return value


def changes_of(act: Act) -> dict[str, Any]:
    """The group's properties an act changes, as the log shows them."""
    if act.kind == "edit_profile":
        return _profile_changes(act)
    if act.kind == "set_posting":
        posting = _choice(act, "posting", POSTING)
        return {"postingRestrictedToMods": posting == "moderators", "postingRule": posting}
    if act.kind == "set_closed":
        closed = bool(param(act, "closed"))
        if not closed and members_only(act.group):
            raise ActRefused("invalid", "a private community is closed: make it unlisted first")
        return {"manuallyApprovesFollowers": closed}
    if act.kind == "set_premoderation":
        return {"premoderation": _choice(act, "premoderation", PREMODERATION)}
    return {"quorum": _choice(act, "quorum", QUORUMS)}


def _profile_changes(act: Act) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    title = act.params.get("title")
    if title is not None:
        if not str(title).strip() or len(str(title)) > MAX_TITLE:
            raise ActRefused("invalid", f"a title has 1 to {MAX_TITLE} characters")
        changes["name"] = str(title).strip()
    summary = act.params.get("summary")
    if summary is not None:
        if len(str(summary)) > MAX_SUMMARY:
            raise ActRefused("invalid", f"a summary has at most {MAX_SUMMARY} characters")
        changes["summary"] = summary_html(str(summary))
    rules = act.params.get("rules")
    if rules is not None:
        if len(str(rules)) > MAX_RULES:
            raise ActRefused("invalid", f"rules have at most {MAX_RULES} characters")
        changes["rules"] = render_markdown(str(rules))
    if not changes:
        raise ActRefused("invalid", "nothing to change: give a title, a summary or rules")
    return changes


async def build_settings(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    return build_group_settings(urls, act.by, act.group, changes_of(act), act.reason)


async def announce_profile(applying: Applying, group: Actor) -> Distribution:
    """The group's own ``Update`` of itself to microblogs, and its announce to the others."""
    key = await get_local_key(applying.conn, group)
    update = build_self_update(applying.urls, group, render_actor(group, key.public_key_pem))
    body = orjson.dumps(update).decode()
    microblogs = Audience(followers_of=group, family="microblog", listed=False)
    return Distribution(
        wrapped=Wrapped(body, str(update["id"])), sends=((Outgoing.exact(body), microblogs),)
    )


async def apply_settings(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    changes = changes_of(act)
    if act.kind == "set_premoderation":
        await set_premoderation(conn, act.group, changes["premoderation"])
        return SILENT
    if act.kind == "set_quorum":
        await set_quorum(conn, act.group, changes["quorum"])
        return SILENT
    group = await update_group_profile(
        conn,
        act.group,
        name=changes.get("name"),
        summary=changes.get("summary"),
        posting_policy=changes.get("postingRule"),
        closed=changes.get("manuallyApprovesFollowers"),
        rules=changes.get("rules"),
    )
    return await announce_profile(applying, group)


async def build_delete(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    return build_group_deletion(urls, act.by, act.group, act.reason)


async def apply_delete(applying: Applying) -> Distribution:
    group = applying.act.group
    await mark_group_deleted(applying.conn, group)
    gone = build_self_deletion(applying.urls, group)
    microblogs = Audience(followers_of=group, family="microblog", listed=True)
    return Distribution(sends=((Outgoing.of(gone), microblogs),))


EDIT_PROFILE = register(Kind("edit_profile", False, build_settings, apply_settings))
SET_POSTING = register(Kind("set_posting", True, build_settings, apply_settings))
SET_CLOSED = register(Kind("set_closed", True, build_settings, apply_settings))
SET_PREMODERATION = register(Kind("set_premoderation", True, build_settings, apply_settings))
SET_QUORUM = register(Kind("set_quorum", True, build_settings, apply_settings))
DELETE_GROUP = register(Kind("delete_group", True, build_delete, apply_delete))
