"""Named SQL queries loaded from the ``.sql`` files of a package (procrastinate's habit).

A file holds blocks that each start with a ``-- name: some_query`` line; the text up to the next
such line is the query. Names are unique across one package's ``sql/`` folder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from importlib import resources

_NAME_RE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries(Mapping[str, str]):
    """Read-only mapping from query name to SQL text."""

    def __init__(self, queries: dict[str, str]) -> None:
        self._queries = queries

    def __getitem__(self, name: str) -> str:
        try:
            return self._queries[name]
        except KeyError:
            raise KeyError(f"no SQL query named {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)


def parse_queries(text: str, origin: str = "<sql>") -> dict[str, str]:
    """Split one ``.sql`` file into its named blocks."""
    parts = _NAME_RE.split(text)
    if parts[0].strip() and not all(
        line.startswith("--") for line in parts[0].strip().splitlines()
    ):
        raise ValueError(f"{origin}: SQL before the first '-- name:' line")
    found: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in found:
            raise ValueError(f"{origin}: query {name!r} defined twice")
        found[name] = body.strip()
    return found


@functools.cache
def load_queries(package: str) -> Queries:
    """All named queries of ``package``'s ``sql/`` folder (read once, on first use)."""
    found: dict[str, str] = {}
    folder = resources.files(package) / "sql"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        for name, sql in parse_queries(entry.read_text("utf-8"), entry.name).items():
            if name in found:
                raise ValueError(f"{package}: query {name!r} defined in two files")
            found[name] = sql
    return Queries(found)
