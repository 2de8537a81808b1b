"""The arrows of DESIGN.md §2 point one way; this test walks every import to keep it so.

    federation ← community ← outbox ← inbox ← fediverse (web, api, cli, processes)

A module's layer is its top-level package: no list of modules to keep up to date. Only the
application (``fediverse``) speaks Starlette; only ``federation`` is free of PostgreSQL. Each
package loads only its own named SQL, and no production module imports inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("federation", "community", "outbox", "inbox", "fediverse")

FORBIDDEN = {
    "federation": {"community", "outbox", "inbox", "fediverse", "starlette", "asyncpg"},
    "community": {"outbox", "inbox", "fediverse", "starlette"},
    "outbox": {"inbox", "fediverse", "starlette"},
    "inbox": {"fediverse", "starlette"},
    "fediverse": set(),
}

SOURCES = [p for pkg in LAYERS for p in sorted((ROOT / pkg).rglob("*.py"))]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def imports_of(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path: Path) -> None:
    own = module_name(path).split(".")[0]
    bad = sorted(i for i in imports_of(tree_of(path)) if i.split(".")[0] in FORBIDDEN[own])
    assert not bad, f"{module_name(path)} ({own}) must not import {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_package_loads_only_its_own_sql(path: Path) -> None:
    own = module_name(path).split(".")[0]
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "load_queries":
            assert isinstance(node.args[0], ast.Constant)
            assert node.args[0].value == own, f"{module_name(path)} loads another's SQL"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_imports_inside_functions(path: Path) -> None:
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert not inner, f"{module_name(path)}.{node.name} imports inside a function"
