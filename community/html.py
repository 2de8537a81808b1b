"""Sanitising HTML to a strict allow-list before it is stored or shown (DESIGN.md §5).

The allow-list follows Mastodon's ``Sanitize::Config::MASTODON_STRICT``
(mastodon/mastodon, ``lib/sanitize_ext/sanitize_config.rb``): text formatting, links, lists,
quotes and code; no images, scripts, styles or event handlers. Links keep only http(s) and
a few harmless schemes and always get ``rel="nofollow noopener noreferrer"``.

The work is bounded before any parsing (issue 11, class 8). An HTML5 tree builder spends time
in proportion to the depth of its stack of open elements for each block-level start tag, so
250 KB of nested ``<div>`` cost nh3 (html5ever) seconds. Here:

* content is cut at :data:`MAX_HTML_CHARS` (Lemmy's longest post is 50,000 characters of
  Markdown, ``POST_BODY_MAX_LENGTH`` in LemmyNet/lemmy ``crates/utils/src/utils/validation.rs``);
* :func:`nesting_bound` measures, in one linear pass of regular expressions, an upper bound of
  how deep the tree can get, and content deeper than :data:`MAX_HTML_DEPTH` is not parsed at
  all: it is shown as its text. (Mastodon's sanitizer, the sanitize gem on Nokogiri's HTML5
  parser, refuses trees deeper than 400: ``Nokogiri::Gumbo::DEFAULT_MAX_TREE_DEPTH``.)
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
#: Longer content is cut (characters); see the module docstring.
MAX_HTML_CHARS = 100_000
#: Content that may nest deeper is shown as text rather than parsed.
MAX_HTML_DEPTH = 100
#: So is content with a longer tag (Nokogiri's HTML5 parser allows 400 attributes a tag:
#: ``Nokogiri::Gumbo::DEFAULT_MAX_ATTRIBUTES``; 8 KB holds a long link and its attributes).
MAX_TAG_CHARS = 8192

# The HTML5 tokenizer's view of markup, for nesting_bound(). Attributes follow the states of
# §13.2.5.32–39: a name may start with "=" or a quote, a value is quoted only right after "=".
_WS = "\\t\\n\\f\\r "
_ATTRIBUTES = (
    rf"(?>[{_WS}/]+|[^{_WS}/>][^{_WS}/=>]*"
    rf"(?:[{_WS}]*=[{_WS}]*(?:\"[^\"]*\"?|'[^']*'?|[^{_WS}>]*))?)*+>?"
)
_RAW = "script|plaintext|style|textarea|title|xmp|iframe|noembed|noframes|noscript"
_TOKEN = re.compile(
    r"<!--(?:-?>|(?s:.)*?--!?>|(?s:.)*\Z)"  # a comment (§13.2.5.43–52), to its end or EOF
    r"|<!\[CDATA\[(?P<content>(?s:.)*?)(?:\]\]>|\Z)"  # CDATA, or a bogus comment
    r"|<[!?][^>]*>?"  # doctype, bogus comment
    r"|</>"  # ignored
    rf"|</(?P<end>[A-Za-z][^{_WS}/>]*){_ATTRIBUTES}"
    r"|</[^>]*>?"  # a bogus comment
    # raw text to its end tag (§13.2.5.2–3); script (escapes not modelled) and plaintext to EOF
    rf"|<(?P<raw>(?i:script|plaintext))(?=[{_WS}/>]|\Z){_ATTRIBUTES}(?P<rest>(?s:.)*)"
    rf"|<(?P<raw2>(?i:{_RAW}))(?=[{_WS}/>]|\Z){_ATTRIBUTES}"
    rf"(?P<text>(?s:.)*?)(?=</(?i:(?P=raw2))[{_WS}/>]|\Z)"
    rf"|<(?P<start>[A-Za-z][^{_WS}/>]*){_ATTRIBUTES}"
)
#: The groups of _TOKEN that hold the body of a raw-text element or CDATA section.
_BODIES = ("rest", "text", "content")
_TAG_START = re.compile(r"<[A-Za-z]")
_TAG_LIKE = re.compile(r"<[^<>]*>?")
_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^<>]*>", re.IGNORECASE)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param"
    " source track wbr"
)
_IMPLIED_END = _names("dd dt li optgroup option p rb rp rt rtc")
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
_BLOCKS = _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption"
    " figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre search"
    " section summary ul"
)
# A start tag closes an open element of these names when it is on top (§13.2.6.4.7).
_CLOSED_BY: dict[str, frozenset[str]] = {
    **{name: frozenset({"p"}) for name in _BLOCKS},
    "li": frozenset({"li", "p"}),
    "dd": frozenset({"dd", "dt", "p"}),
    "dt": frozenset({"dd", "dt", "p"}),
    "option": frozenset({"option"}),
}

# Mastodon keeps only these microformat classes; anything else is dropped.
_KEPT_CLASSES = re.compile(r"^(h-\S*|p-\S*|u-\S*|dt-\S*|e-\S*|mention|hashtag|ellipsis|invisible)$")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [c for c in value.split() if _KEPT_CLASSES.match(c)]
    return " ".join(kept) or None


def sanitize_html(value: str) -> str:
    """Remote or user HTML reduced to the allow-list (see the module docstring for bounds)."""
    value = value[:MAX_HTML_CHARS]
    if is_too_complex(value):
        return text_to_html(html.unescape(_markup_stripped(value)))
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
    value = value[:MAX_HTML_CHARS]
    if is_too_complex(value):
        return html.unescape(_markup_stripped(value)).strip()
    value = _BREAKS.sub("\n", value)
    return html.unescape(nh3.clean(value, tags=set())).strip()


def is_too_complex(value: str) -> bool:
    """Whether ``value`` may nest deeper than :data:`MAX_HTML_DEPTH`, or has a tag longer than
    :data:`MAX_TAG_CHARS` (html5ever de-duplicates attributes in quadratic time)."""
    if len(value) <= MAX_TAG_CHARS and value.count("<") <= MAX_HTML_DEPTH:
        return False
    return nesting_bound(value) > MAX_HTML_DEPTH


def nesting_bound(value: str) -> int:
    """How deep the elements of ``value``'s start tags can nest, erring on the deep side (one
    over :data:`MAX_HTML_DEPTH` once past it, or for a tag longer than :data:`MAX_TAG_CHARS`).
    Elements an HTML5 parser adds itself are not counted: a ``td`` brings a ``tbody`` and a
    ``tr``, so the tree html5ever builds is at most ``2 * bound + 1`` deep (a property test
    checks it against nh3's own tree).

    One pass over the tags, comments and raw-text elements as the HTML5 tokenizer reads them
    (https://html.spec.whatwg.org/multipage/parsing.html#tokenization), keeping a stack of the
    open elements that errs on the deep side: a start tag of an element that is not void
    pushes; an end tag pops only when it names the element on top (or below elements whose end
    tags are implied, such as ``p`` and ``li``); a ``p`` or ``li`` start closes one of its kind
    on top, as the parser does. Inside ``script`` (to the end: its escapes are not modelled),
    raw-text elements and CDATA sections every ``<`` + letter pushes and nothing pops.
    """
    stack: list[str] = []
    too_deep = MAX_HTML_DEPTH + 1
    deepest = 0
    for token in _TOKEN.finditer(value):
        kind = token.lastgroup
        if kind is None:  # a comment, doctype, bogus comment
            continue
        start, end = token.span()
        if (token.start(kind) if kind in _BODIES else end) - start > MAX_TAG_CHARS:
            return too_deep
        if kind == "start":
            _open(stack, token["start"].lower())
        elif kind == "end":
            _close(stack, token["end"].lower())
            continue
        else:  # raw text or CDATA: every "<" + letter inside pushes, none pops
            if kind != "content":
                _open(stack, (token["raw"] or token["raw2"]).lower())
            stack.extend("" for _ in _TAG_START.finditer(token[kind]))
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest >= too_deep:
                return too_deep
    return deepest


def _open(stack: list[str], name: str) -> None:
    """Push a start tag (a ``p`` or ``li`` on top closed first, as the parser does)."""
    if name in _VOID:
        return
    closes = _CLOSED_BY.get(name)
    if closes and stack and stack[-1] in closes:
        stack.pop()
    stack.append(name)


def _close(stack: list[str], name: str) -> None:
    """Pop ``name`` when it is on top, below elements whose end tags are implied."""
    depth = len(stack)
    while depth and stack[depth - 1] != name and stack[depth - 1] in _IMPLIED_END:
        depth -= 1
    if depth and stack[depth - 1] == name and (depth == len(stack) or name not in _FORMATTING):
        del stack[depth - 1 :]


def _markup_stripped(value: str) -> str:
    """The text of content too deep to parse: every tag-like run removed (linear), escaped
    again by the caller."""
    return _TAG_LIKE.sub(" ", value)


def summary_html(summary: str) -> str:
    """A group's description as given: HTML (sanitised) or plain text (paragraphs)."""
    if "<" in summary:
        return sanitize_html(summary)
    return text_to_html(summary)
