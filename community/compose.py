"""Turning what a member typed into a post: mentions, hashtags and safe HTML.

Mentions are ``@name`` (someone here) or ``@name@host``; hashtags ``#word``. The HTML follows
Mastodon's own markup for them (``app/lib/text_formatter.rb`` of mastodon/mastodon:
``h-card`` spans with ``u-url mention`` links, ``mention hashtag`` links with ``rel="tag"``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from community.actors import Actor
from community.urls import Urls

MENTION_RE = re.compile(
    r"(?<![\w@/.])@([A-Za-z0-9_]{1,30})(?:@((?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+(?::\d{1,5})?))?"
)
HASHTAG_RE = re.compile(r"(?<![\w#&/])#(\w{1,100})")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def mentioned_handles(text: str) -> list[str]:
    """``name`` or ``name@host`` for each mention, in order, once each."""
    found = [m[1] + (f"@{m[2]}" if m[2] else "") for m in MENTION_RE.finditer(text)]
    return list(dict.fromkeys(found))


def hashtags_in(text: str) -> list[str]:
    return list(dict.fromkeys(m[1] for m in HASHTAG_RE.finditer(text)))


def _link_line(line: str, resolved: Mapping[str, Actor], urls: Urls) -> str:
    out: list[str] = []
    position = 0
    tokens = sorted(
        [
            *((m.start(), m.end(), "mention", m) for m in MENTION_RE.finditer(line)),
            *((m.start(), m.end(), "tag", m) for m in HASHTAG_RE.finditer(line)),
        ],
        key=lambda t: t[0],
    )
    for start, end, kind, match in tokens:
        if start < position:
            continue
        out.append(html.escape(line[position:start]))
        out.append(_render_token(kind, match, resolved, urls))
        position = end
    out.append(html.escape(line[position:]))
    return "".join(out)


def _render_token(
    kind: str, match: re.Match[str], resolved: Mapping[str, Actor], urls: Urls
) -> str:
    if kind == "tag":
        tag = html.escape(match[1])
        return (
            f'<a href="{html.escape(urls.tag_url(match[1]))}" class="mention hashtag" '
            f'rel="tag">#<span>{tag}</span></a>'
        )
    handle = match[1] + (f"@{match[2]}" if match[2] else "")
    actor = resolved.get(handle)
    if actor is None:
        return html.escape(match[0])
    href = html.escape(actor.url or actor.uri)
    return (
        f'<span class="h-card"><a href="{href}" class="u-url mention">'
        f"@<span>{html.escape(actor.username)}</span></a></span>"
    )


def render_text(text: str, resolved: Mapping[str, Actor], urls: Urls) -> str:
    """Paragraphs and line breaks, with resolved mentions and hashtags linked."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    return "".join(
        "<p>" + "<br>".join(_link_line(line, resolved, urls) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
