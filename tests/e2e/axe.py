"""Accessibility checks with axe-core for the browser tests.

axe-core's ``axe.min.js`` comes inside the ``axe-playwright-python`` package (pinned in
requirements/lock.txt); we only read the file from it and drive axe ourselves, so the tags
and the failure message are ours.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe has no A-level rules that are new in 2.2).
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@cache
def axe_source() -> str:
    """The text of axe.min.js shipped by axe-playwright-python."""
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_version(page: Page) -> str:
    """The axe-core version, after injecting it into ``page``."""
    _inject(page)
    return str(page.evaluate("() => axe.version"))


def run_axe(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """Run axe on the whole page and return its violations (axe's own dicts)."""
    _inject(page)
    results: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        list(tags),
    )
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact') or 'n/a'}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(_flatten(node["target"]))
            html = " ".join(str(node.get("html", "")).split())[:200]
            lines.append(f"    at {target}: {html}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Fail with every axe violation (id, help, offending nodes) on the page as it is now."""
    violations = run_axe(page)
    if violations:
        raise AssertionError(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )


def _inject(page: Page) -> None:
    # evaluate() is not subject to the page's Content-Security-Policy, unlike a <script> tag.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())


def _flatten(target: list[Any]) -> list[str]:
    # A target is a list of CSS selectors; inside iframes / shadow DOM an item is itself a list.
    out: list[str] = []
    for item in target:
        out.extend(_flatten(item) if isinstance(item, list) else [str(item)])
    return out
