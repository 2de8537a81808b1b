"""federation/ imports nothing of ours (fediverse, inbox, outbox), nor starlette, nor asyncpg.

DESIGN.md §2: the arrows point down; federation is at the bottom.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "federation"
FORBIDDEN = ("fediverse", "inbox", "outbox", "starlette", "asyncpg")
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_every_module_is_found() -> None:
    assert len(MODULES) > 10
    assert PACKAGE / "verify.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_forbidden_imports(path: Path) -> None:
    bad = [name for name in imported_names(path) if name.split(".")[0] in FORBIDDEN]
    assert bad == [], f"{path.name} imports {bad}"


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import starlette.requests\nfrom asyncpg import Pool\nfrom .x import y\n")
    assert imported_names(sample) == ["starlette.requests", "asyncpg"]
