"""Checks every main page gets in the browser: axe-core, width, focus, screenshots.

* axe-core (npm, served by the app from /static/vendor/axe/) runs on the page at desktop
  and phone width; a serious or critical violation fails the test. The full report goes
  to test-artifacts/axe/<name>.json.
* At 360 px wide nothing may scroll sideways.
* Screenshots at phone (390 px) and desktop (1280 px) width go to
  test-artifacts/screenshots/<name>-phone.png and <name>-desktop.png (git-ignored).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORTS = ARTIFACTS / "axe"
AXE_URL = "/static/vendor/axe/axe.min.js"
AXE_FILE = ROOT / "marketplace" / AXE_URL.lstrip("/")

NARROWEST = {"width": 360, "height": 740}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
BLOCKING_IMPACTS = ("serious", "critical")

# The elements wider than the window, to say what overflows when something does.
_OVERFLOW = """() => {
  const width = window.innerWidth;
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      found.push(name + ' right=' + Math.round(box.right) + ' ' + el.outerHTML.slice(0, 120));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          overflowing: found.slice(0, 8)};
}"""


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (all impacts)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        assert AXE_FILE.is_file(), f"{AXE_FILE} is missing: scripts/setup copies it from npm"
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return list(result["violations"])


def _summary(violation: dict[str, Any]) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
    return f"{violation['impact']} {violation['id']}: {violation['help']} -> {targets}"


def horizontal_overflow(page: Page) -> dict[str, Any] | None:
    """None when the page fits the window's width; otherwise what overflows."""
    found: dict[str, Any] = page.evaluate(_OVERFLOW)
    if found["scrollWidth"] <= found["innerWidth"]:
        return None
    return found


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)


def audit(page: Page, name: str) -> None:
    """axe (no serious or critical violation), no sideways scroll at 360 px, screenshots."""
    original = page.viewport_size or DESKTOP
    problems: list[str] = []
    reports: dict[str, list[dict[str, Any]]] = {}
    try:
        for label, size in (("desktop", DESKTOP), ("360px", NARROWEST)):
            page.set_viewport_size(size)
            violations = run_axe(page)
            reports[label] = violations
            problems += [
                f"[{label}] {_summary(v)}" for v in violations if v["impact"] in BLOCKING_IMPACTS
            ]
        overflow = horizontal_overflow(page)  # still at 360 px
        if overflow is not None:
            problems.append(f"[360px] scrolls sideways: {overflow}")
        screenshot(page, name)
    finally:
        page.set_viewport_size(original)
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / f"{name}.json").write_text(
        json.dumps(
            {label: [_summary(v) for v in found] for label, found in reports.items()},
            indent=2,
            ensure_ascii=False,
        )
    )
    assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)
