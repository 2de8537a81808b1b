"""Sanitising HTML to a strict allow-list before it is stored or shown (DESIGN.md §5).

The allow-list follows Mastodon's ``Sanitize::Config::MASTODON_STRICT``
(mastodon/mastodon, ``lib/sanitize_ext/sanitize_config.rb``): text formatting, links, lists,
quotes and code; no images, scripts, styles or event handlers. Links keep only http(s) and
a few harmless schemes and always get ``rel="nofollow noopener noreferrer"``.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "span",
    "a",
    "abbr",
    "del",
    "s",
    "pre",
    "blockquote",
    "code",
    "b",
    "strong",
    "u",
    "i",
    "em",
    "ul",
    "ol",
    "li",
    "ruby",
    "rt",
    "rp",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "translate"},
    "span": {"class", "translate"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "abbr": {"title"},
}
ALLOWED_URL_SCHEMES = {
    "http",
    "https",
    "dat",
    "dweb",
    "ipfs",
    "ipns",
    "ssb",
    "gopher",
    "xmpp",
    "magnet",
    "gemini",
}
# Mastodon keeps only these microformat classes; anything else is dropped.
_KEPT_CLASSES = re.compile(r"^(h-\S*|p-\S*|u-\S*|dt-\S*|e-\S*|mention|hashtag|ellipsis|invisible)$")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [c for c in value.split() if _KEPT_CLASSES.match(c)]
    return " ".join(kept) or None


def sanitize_html(value: str) -> str:
    """Remote or user HTML reduced to the allow-list."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def text_to_html(text: str) -> str:
    """Plain text as paragraphs, escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def html_to_text(value: str) -> str:
    """Visible text of sanitised HTML, for titles and previews."""
    value = re.sub(r"<br\s*/?>|</p>\s*<p[^>]*>", "\n", value, flags=re.IGNORECASE)
    return html.unescape(nh3.clean(value, tags=set())).strip()


def summary_html(summary: str) -> str:
    """A group's description as given: HTML (sanitised) or plain text (paragraphs)."""
    if "<" in summary:
        return sanitize_html(summary)
    return text_to_html(summary)
