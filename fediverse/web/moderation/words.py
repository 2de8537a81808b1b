"""Acts in words, for people: what a proposal would do, what a log entry did, what a finished
act says. One table for the moderators' pages and the public log page.

An act is phrased from its kind and its parameters (a proposal's ``params``, or the same keys
read back from a log item by :func:`params_of_item`, or the proposal's own for proposals,
votes and the acts they carried out). Whom and what it names — people,
communities, posts — are ids; :class:`Names` turns them into links, as HTML escaped here.
Removed content is named (a thread anyone may read by its title, a comment as "a comment", a
private community's thread as "a thread"), never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from community.moderation_pages import LogLine, Named
from fediverse.web.links import handle_path, post_key

#: kind → (what it did, what it would do): ``{person}``, ``{post}``, ``{value}``… are filled in
PHRASES: dict[str, tuple[str, str]] = {
    "add_moderator": ("made {person} a moderator", "make {person} a moderator"),
    "remove_moderator": (
        "removed {person} from the moderators",
        "remove {person} from the moderators",
    ),
    "delete_group": ("deleted the community", "delete the community"),
    "set_posting": ("set who may post to {value}", "set who may post to {value}"),
    "set_closed": ("made the community {value}", "make the community {value}"),
    "set_premoderation": ("set pre-moderation to {value}", "set pre-moderation to {value}"),
    "set_quorum": ("set the consent acts need to {value}", "set the consent acts need to {value}"),
    "set_visibility": ("made the community {value}", "make the community {value}"),
    "edit_profile": ("edited the community's {value}", "edit the community's {value}"),
    "remove_post": ("removed {post}", "remove {post}"),
    "restore_post": ("restored {post}", "restore {post}"),
    "lock": ("locked {post}", "lock {post}"),
    "unlock": ("unlocked {post}", "unlock {post}"),
    "pin": ("pinned {post}", "pin {post}"),
    "unpin": ("unpinned {post}", "unpin {post}"),
    "ban": ("banned {person}{until}", "ban {person}{until}"),
    "unban": ("lifted the ban of {person}", "lift the ban of {person}"),
    "approve_post": ("approved {post}", "approve {post}"),
    "reject_post": ("rejected {post}", "reject {post}"),
    "resolve_report": ("resolved a report", "resolve a report"),
    "add_bridge": ("bridged {source} into the community", "bridge {source} into the community"),
    "remove_bridge": ("cut the bridge from {source}", "cut the bridge from {source}"),
    "filter_bridge": ("changed what crosses from {source}", "change what crosses from {source}"),
    "remove_bridged_post": ("took down {post}, carried over a bridge", "take down {post}"),
    "recommend": ("recommended {community}", "recommend {community}"),
    "unrecommend": ("stopped recommending {community}", "stop recommending {community}"),
    "relay_opt_in": ("turned relays {value}", "turn relays {value}"),
    "move": ("moved the community to {target}", "move the community to {target}"),
    "admit_former_follower": (
        "let in {person}, who followed the community before it moved",
        "let in {person}",
    ),
}

#: what the pages say once an act of this kind is done (a closed set: the kind is all they
#: are told in the address, so nobody can make a page say anything else)
DONE: dict[str, str] = {
    "settings": "Saved.",
    "approve_member": "Approved: they are a member now, and their server is told.",
    "reject_member": "Rejected: their server is told.",
    "add_moderator": "The team changed.",
    "remove_moderator": "The team changed.",
    "delete_group": "The community is deleted.",
    "set_posting": "Who may post is changed.",
    "set_closed": "Who may join is changed.",
    "set_premoderation": "Pre-moderation is changed.",
    "set_quorum": "The consent acts need is changed.",
    "set_visibility": "The community's visibility is changed.",
    "edit_profile": "The title, description and rules are saved.",
    "remove_post": "Removed. It shows on the moderation log.",
    "restore_post": "Restored.",
    "lock": "The thread is locked: it takes no more replies.",
    "unlock": "The thread is unlocked.",
    "pin": "The thread is pinned.",
    "unpin": "The thread is no longer pinned.",
    "ban": "Banned.",
    "unban": "The ban is lifted.",
    "approve_post": "Approved: the post is in the community now.",
    "reject_post": "Rejected: the post will not be shown.",
    "resolve_report": "The report is resolved.",
    "add_bridge": "The bridge is made; it carries posts once the other community accepts.",
    "remove_bridge": "The bridge is cut.",
    "filter_bridge": "What crosses the bridge is changed.",
    "remove_bridged_post": "The carried post is taken down here.",
    "recommend": "The community is recommended.",
    "unrecommend": "The community is no longer recommended.",
    "relay_opt_in": "Relays are changed.",
    "move": "The community has moved.",
}

POSTING = {"members": "members", "anyone": "anyone", "moderators": "moderators only"}
PREMODERATION = {"off": "off", "new": "newcomers' first posts", "all": "every post"}
QUORUM = {"majority": "a majority of the moderators", "unanimous": "every moderator"}
#: what votes and proposals are called on the log
GOVERNANCE = {
    "propose": "proposed to",
    "approve": "approved the proposal to",
    "decline": "declined the proposal to",
}


def value_of(kind: str, params: Mapping[str, Any]) -> str:
    """The setting an act sets, in words."""
    if kind == "set_posting":
        return POSTING.get(str(params.get("posting")), str(params.get("posting")))
    if kind == "set_closed":
        return "closed (moderators approve who joins)" if params.get("closed") else "open"
    if kind == "set_premoderation":
        mode = str(params.get("premoderation"))
        return PREMODERATION.get(mode, mode)
    if kind == "set_quorum":
        return QUORUM.get(str(params.get("quorum")), str(params.get("quorum")))
    if kind == "set_visibility":
        return str(params.get("visibility", "")) or "visible otherwise"
    if kind == "edit_profile":
        words = {"title": "title", "summary": "description", "rules": "rules"}
        given = [w for n, w in words.items() if params.get(n) is not None]
        return " and ".join(given) or "profile"
    if kind == "relay_opt_in":
        return "on" if params.get("opt_in") else "off"
    return ""


@dataclass(frozen=True)
class Names:
    """Links to the people, communities and posts acts name (those this server knows)."""

    named: Named

    def actor(self, uri: object) -> Markup:
        found = self.named.actors.get(uri) if isinstance(uri, str) else None
        if found is None:
            text = uri if isinstance(uri, str) else "someone"
            return Markup('<span class="handle">{}</span>').format(text)
        handle = f"@{found.username}" + ("" if found.local else f"@{found.domain}")
        path = handle_path(found.username, found.domain, found.local)
        return Markup('<a href="{}">{}</a>').format(path, handle)

    def post(self, uri: object) -> Markup:
        """A thread by its title, a comment as such (its title would be its first line:
        removed content is never shown), a members-only thread as such (the log is public);
        linked to its page when known here."""
        found = self.named.posts.get(uri) if isinstance(uri, str) else None
        if found is None:
            return Markup("a post")
        if not found.thread:
            words = Markup("a comment")
        elif found.readable:
            words = Markup("“{}”").format(found.title)
        else:
            words = Markup("a thread")
        path = f"/posts/{post_key(found.uri, found.id, found.local)}"
        return Markup('<a href="{}">{}</a>').format(path, words)


def phrase(kind: str, params: Mapping[str, Any], names: Names, *, done: bool) -> Markup:
    """What an act did (``done``) or would do, its people and posts linked."""
    past, future = PHRASES.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    until = params.get("until")
    fill = {
        "person": names.actor(params.get("person")),
        "post": names.post(params.get("post")),
        "source": names.actor(params.get("source")),
        "community": names.actor(params.get("community")),
        "target": names.actor(params.get("target")),
        "value": escape(value_of(kind, params)),
        "until": escape(f" until {str(until)[:10]}" if until else ""),
    }
    return Markup((past if done else future).format_map(fill))  # noqa: S704 - filled escaped


def uris_in(params: Mapping[str, Any]) -> list[str]:
    """The ids an act's parameters name (to look their names up at once)."""
    keys = ("person", "post", "source", "community", "target")
    return [v for k in keys if isinstance(v := params.get(k), str)]


#: settings as the log's ``Update`` names them → the act's parameter
_SETTINGS = {
    "postingRule": "posting",
    "manuallyApprovesFollowers": "closed",
    "premoderation": "premoderation",
    "quorum": "quorum",
    "visibility": "visibility",
    "summary": "summary",
    "rules": "rules",
}


def _id_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def params_of_item(kind: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """An act's parameters as far as its log item shows them (an undo: the undone act's)."""
    obj = item.get("object")
    if item.get("type") == "Undo" and isinstance(obj, dict):
        obj = obj.get("object")
    uri = _id_of(obj)
    params: dict[str, Any] = {k: uri for k in ("person", "post", "source", "community")}
    params["target"] = _id_of(item.get("target"))
    params["until"] = item.get("endTime")
    if isinstance(obj, dict):
        params.update({p: obj[k] for k, p in _SETTINGS.items() if k in obj})
        if obj.get("type") == "Group" and "name" in obj:
            params["title"] = obj["name"]
    return params


def line_params(line: LogLine) -> dict[str, Any]:
    """What a log line's act did: the proposal's parameters when a proposal carried it out."""
    if line.proposal_params is not None and line.proposal_kind == line.kind:
        return dict(line.proposal_params)
    return params_of_item(line.kind, line.activity)


def describe_line(line: LogLine, names: Names) -> Markup:
    """A log line in words: what the act did, or what was proposed and voted on."""
    if line.kind in GOVERNANCE:
        act = phrase(line.proposal_kind or "", line.proposal_params or {}, names, done=False)
        return Markup("{} {}").format(GOVERNANCE[line.kind], act)
    return phrase(line.kind, line_params(line), names, done=True)


def line_uris(line: LogLine) -> list[str]:
    """The ids a log line names (its act's, or its proposal's)."""
    return uris_in(line.proposal_params or {}) + uris_in(line_params(line))
