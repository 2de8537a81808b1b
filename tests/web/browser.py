"""A real browser for the pages: Debian's Chromium driven by Playwright, and axe-core.

Playwright cannot download its own browser here, so it launches ``/usr/bin/chromium``
(installed by ``.ci/system-deps``); ``launch()`` gives each browser a fresh temporary profile
(user-data-dir). axe-core (npm, installed by ``.ci/system-deps`` into ``tests/.node/``) is
injected into each page we look at; every WCAG 2.1 A/AA and best-practice rule it reports
(labels, headings, contrast, landmarks…) fails the test. Each page's screenshot and axe
report are kept under ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require(path: Path, what: str) -> Path:
    """``path``, or skip (fail under CI, which installs it with .ci/system-deps)."""
    if path.exists():
        return path
    message = f"{what} is missing at {path}: run `make system-deps` (CI does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Looker:
    """Looks at pages as a test goes: a screenshot and an axe pass of each, by name."""

    axe_source: str
    seen: list[str] = field(default_factory=list)
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def look(self, page: Page, name: str) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{slug}.png"), full_page=True)
        violations = self.check(page)
        (ARTIFACTS / f"{slug}.axe.json").write_text(json.dumps(violations, indent=2))
        self.seen.append(slug)
        if violations:
            self.findings[name] = violations

    def check(self, page: Page) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]

    def assert_clean(self) -> None:
        assert not self.findings, json.dumps(self.findings, indent=2)
