"""A thread's comments as HTML: the one loop of the pages that runs hundreds of times.

Written in Python rather than in ``thread.html``: with Jinja's per-expression escaping and
attribute look-ups the loop cost ~25 µs a comment (12.6 ms of CPU for a thread of 500, measured
with ``bench/pages.py``), this ~4 µs. Everything else of the page stays in the template. Text
from people (names, handles, content warnings) is escaped here; ``content_html`` is sanitised
HTML (:func:`community.html.sanitize_html`, on arrival or when written here).

The markup: nested ``<ol>`` lists of ``<article>`` elements; signed in, each comment has vote
buttons (``name="vote" value="up:ID"``: one form, around the whole list, carries them all),
Reply (not in a locked thread, but for its moderators), and Edit and Delete on one's own; a
moderator sees Moderate on every comment (removed ones too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from community.threads import CommentNode, PostView
from fediverse.web.links import handle_path, post_path
from fediverse.web.templating import iso, points, when


def _author(c: PostView) -> str:
    name = escape(c.author_name or c.author_username)
    handle = "@" + c.author_username + ("" if c.author_local else "@" + c.author_domain)
    path = handle_path(c.author_username, c.author_domain, c.author_local)
    return f'<a href="{escape(path)}">{name}</a> <span class="handle">{escape(handle)}</span>'


def _votes(c: PostView) -> str:
    up, down = c.my_vote == "Like", c.my_vote == "Dislike"
    return (
        '<span class="vote"><button type="submit" class="quiet" name="vote" '
        f'value="{"none" if up else "up"}:{c.id}" aria-pressed="{"true" if up else "false"}" '
        'aria-label="Upvote">▲</button>'
        f'<span class="score">{c.score}<span class="sr"> points</span></span>'
        '<button type="submit" class="quiet" name="vote" '
        f'value="{"none" if down else "down"}:{c.id}" aria-pressed="{"true" if down else "false"}" '
        'aria-label="Downvote">▼</button></span>'
    )


@dataclass(frozen=True)
class Viewer:
    """Who reads the comments: their id (0: nobody signed in), whether they moderate the
    community, whether they may reply (not in a locked thread, unless they moderate it)."""

    id: int = 0
    moderates: bool = False
    replies: bool = True


def _actions(c: PostView, path: str, viewer: Viewer) -> str:
    if not viewer.id:
        return f'<div class="actions"><span class="score">{points(c.score)}</span></div>'
    reply = f' <a href="{path}/reply">Reply</a>' if viewer.replies else ""
    own = c.author_id == viewer.id
    delete = f' <a href="{path}/edit">Edit</a> <a href="{path}/delete">Delete</a>' if own else ""
    moderate = f' <a href="{path}/moderate">Moderate</a>' if viewer.moderates else ""
    return f'<div class="actions">{_votes(c)}{reply}{delete}{moderate}</div>'


def _body(c: PostView, path: str, viewer: Viewer) -> str:
    if c.deleted_at is not None:
        gone = "Removed by a moderator." if c.removed else "Deleted by its author."
        shown = viewer.moderates and c.removed
        moderate = f' <a href="{path}/moderate">Moderate</a>' if shown else ""
        return f'<p class="gone">{gone}{moderate}</p>'
    content = f'<div class="content">{c.content_html}</div>'
    if c.summary:
        content = (
            f"<details><summary>Content warning: {escape(c.summary)}</summary>{content}</details>"
        )
    return content + _actions(c, path, viewer)


def _comment(c: PostView, viewer: Viewer) -> str:
    path = escape(post_path(c))
    edited = " · edited" if c.updated is not None else ""
    return (
        f'<li id="c{c.id}"><article><div class="meta">{_author(c)} · <a href="{path}">'
        f'<time datetime="{iso(c.published)}">{when(c.published)}</time></a>{edited}</div>'
        f"{_body(c, path, viewer)}</article>"
    )


def render_comments(nodes: Sequence[CommentNode], viewer: Viewer) -> Markup:
    """The comments, nested as :func:`community.threads.arrange` ordered them."""
    out = ['<ol class="comments">']
    for node in nodes:
        out.append(_comment(node.comment, viewer))
        out.append("<ol>" if node.has_children else "</li>" + "</ol></li>" * node.closes)
    out.append("</ol>")
    return Markup("".join(out))  # noqa: S704 - every part above is escaped or sanitised
