"""How long sanitising the worst HTML we know takes: nh3 unbounded (before) and
``community.html.sanitize_html`` (after: size, nesting and tag-length bounds before parsing).

Each input is about 250 KB, the size of the reported attack (250 KB of nested ``<div>`` cost
21.6 s of inbox worker time). Single thread; the best of ``--repeat`` runs. Run:
``.venv/bin/python bench/sanitising.py`` (``--after-only`` skips the slow unbounded runs).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Named `sanitising`, not `html`: run as a script, bench/ comes first on sys.path, and a
# bench/html.py would stand in for the standard library's `html` in every bench.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import nh3  # noqa: E402

from community.html import (  # noqa: E402
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    is_too_complex,
    sanitize_html,
)

SIZE = 250_000


def repeat_to(unit: str, size: int = SIZE) -> str:
    return unit * (size // len(unit))


WORST = {
    "nested <div>": repeat_to("<div>"),
    "nested <ol>": repeat_to("<ol>"),
    "nested <pre>": repeat_to("<pre>"),
    "nested <ul><li>": repeat_to("<ul><li>"),
    "nested <blockquote>": repeat_to("<blockquote>"),
    '<p x="x="x="…': '<p x="' + repeat_to('x="'),
    "one tag, distinct attributes": "<p " + "".join(f"a{i} " for i in range(SIZE // 7)) + ">",
    "<div><!--</div>-->": repeat_to("<div><!--</div>-->"),
    '<div title="</div>">': repeat_to('<div title="</div>">'),
    "<div><style></div></style>": repeat_to("<div><style></div></style>"),
    "formatting, then blocks": repeat_to("<b><i><u><s>", SIZE // 2)
    + repeat_to("<p>x</p>", SIZE // 2),
    "<table><b>": repeat_to("<table><b>"),
    "flat <p> (parsed)": repeat_to("<p>"),
    "flat <a>x</a> (parsed)": repeat_to("<a>x</a>"),
    "an article (parsed)": repeat_to(
        "<p>Some <strong>bold</strong> text and <a href='https://x.example/a'>a link</a>.</p>"
    ),
}


def unbounded(value: str) -> str:
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def best_of(function: Callable[[str], str], value: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(value)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--after-only", action="store_true")
    args = parser.parse_args()
    print(f"{'input (~250 KB)':<32} {'before ms':>10} {'after ms':>9}  after is")
    for name, value in WORST.items():
        before = "" if args.after_only else f"{best_of(unbounded, value, 1) * 1000:,.1f}"
        after = best_of(sanitize_html, value, args.repeat) * 1000
        shown = "text" if is_too_complex(value[:100_000]) else "parsed"
        print(f"{name:<32} {before:>10} {after:>9.1f}  {shown}", flush=True)


if __name__ == "__main__":
    main()
