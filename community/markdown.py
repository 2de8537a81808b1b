"""Markdown that members write on the web pages, as the safe HTML we store and send.

CommonMark (markdown-it-py) with raw HTML off and strikethrough on, then the same allow-list
as every other post (:func:`community.html.sanitize_html`). Headings move two levels down
(``#`` becomes ``<h3>``): on a page, a post sits under the thread's ``<h1>`` and a ``<h2>``.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from community.html import sanitize_html

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")
_HEADING_SHIFT = 2


def render_markdown(text: str) -> str:
    """Sanitised HTML for ``text`` (Markdown)."""
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + _HEADING_SHIFT)}"
    return sanitize_html(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))
