"""Accessibility checks with axe-core for the browser tests, and the phone-width check.

axe-core's ``axe.min.js`` comes inside the ``axe-playwright-python`` package (pinned in
requirements/lock.txt); we only read the file from it and drive axe ourselves, so the tags
and the failure message are ours. ``assert_no_axe_violations`` also checks that the page does
not scroll sideways at 360 px wide (``sideways_overflow``), so every page a browser test
reaches is checked at a phone's width too.
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
    """Fail with every axe violation (id, help, offending nodes) on the page as it is now, or
    if the page scrolls sideways at a phone's width."""
    violations = run_axe(page)
    if violations:
        raise AssertionError(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )
    assert_no_sideways_scroll(page)


PHONE_WIDTH = 360

# The elements that stick out past the right edge, outside any container that scrolls or
# clips them itself (a .table-responsive, a <pre>); the innermost first, at most ten.
_OVERFLOWING = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= doc.clientWidth) return [];
  const limit = doc.clientWidth + 0.5;
  const contains = (el) => getComputedStyle(el).overflowX !== "visible";
  const free = (el) => {  // not inside a container that scrolls or clips it
    // An absolutely positioned box is clipped only by scrollers inside its containing block.
    let escapes = getComputedStyle(el).position === "absolute";
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (escapes && style.position === "static") continue;
      escapes = false;
      if (contains(p)) return false;
      escapes = style.position === "absolute";
    }
    return true;
  };
  const sticksOut = (el) => {
    const r = el.getBoundingClientRect();
    const fixed = getComputedStyle(el).position === "fixed";  // never scrolls the page
    return r.width > 0 && r.right > limit && !fixed && free(el);
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!sticksOut(el)) continue;
    if (!contains(el) && [...el.querySelectorAll("*")].some(sticksOut)) continue;
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const right = Math.round(el.getBoundingClientRect().right);
    out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} ` +
      `(right edge at ${right} px): ${(el.textContent || "").trim().slice(0, 60)}`);
  }
  return out.length ? out.slice(0, 10) : [`the page is ${doc.scrollWidth} px wide`];
}"""


def sideways_overflow(page: Page, width: int = PHONE_WIDTH) -> list[str]:
    """What makes the page scroll sideways at `width` px wide (empty: nothing does).

    The viewport is narrowed for the check and put back afterwards.
    """
    original = page.viewport_size or {"width": 1280, "height": 720}
    if original["width"] != width:
        page.set_viewport_size({"width": width, "height": original["height"]})
    try:
        found: list[str] = page.evaluate(_OVERFLOWING)
    finally:
        if original["width"] != width:
            page.set_viewport_size(original)
    return found


def assert_no_sideways_scroll(page: Page) -> None:
    found = sideways_overflow(page)
    if found:
        raise AssertionError(
            f"{page.url} scrolls sideways at {PHONE_WIDTH} px wide:\n"
            + "\n".join(f"- {item}" for item in found)
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
