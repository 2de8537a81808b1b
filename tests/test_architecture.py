"""The arrows of DESIGN.md §2 point one way; this test walks every import to keep it so.

federation ← fediverse core ← outbox ← inbox ← fediverse surface (web, api, app, cli, …)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SURFACE = (
    "fediverse.web",
    "fediverse.api",
    "fediverse.app",
    "fediverse.cli",
    "fediverse.cli_deliveries",
    "fediverse.server",
    "fediverse.commands",
    "fediverse.worker",
    "fediverse.__main__",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def is_surface(module: str) -> bool:
    # fediverse/cli.py and its fediverse/cli_*.py siblings are all surface
    return module.startswith("fediverse.cli") or any(
        module == s or module.startswith(s + ".") for s in SURFACE
    )


def layer(module: str) -> str | None:
    top = module.split(".")[0]
    if top == "fediverse":
        return "surface" if is_surface(module) else "core"
    return top if top in {"federation", "outbox", "inbox"} else None


FORBIDDEN = {
    "federation": {"core", "outbox", "inbox", "surface", "starlette", "asyncpg"},
    "core": {"outbox", "inbox", "surface"},
    "outbox": {"inbox", "surface"},
    "inbox": {"surface"},
    "surface": set(),
}

SOURCES = [
    p
    for pkg in ("federation", "fediverse", "outbox", "inbox")
    for p in sorted((ROOT / pkg).rglob("*.py"))
]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path: Path) -> None:
    own = layer(module_name(path))
    assert own is not None
    bad = []
    for imported in imports_of(path):
        target = layer(imported) or imported.split(".")[0]
        if target in FORBIDDEN[own]:
            bad.append(imported)
    assert not bad, f"{module_name(path)} ({own}) must not import {sorted(bad)}"
