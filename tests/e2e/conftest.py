"""Browser-test fixtures: Playwright's sync API driving Debian's Chromium.

Every test under tests/e2e/ is marked ``e2e`` automatically; ``make test-e2e`` runs them and
the other test targets exclude them. Use pytest-django's ``live_server`` for the app's URL
and ``tests.e2e.axe.assert_no_axe_violations(page)`` for accessibility.

Fixtures: ``browser`` (session), ``context`` and ``page`` (a new context per test), and
``new_context(**kwargs)`` for tests that need several users signed in at once.

Every context records the page's ``securitypolicyviolation`` events (anything the Content
Security Policy refused: an inline style or script, an eval, a resource from elsewhere), and a
test whose pages had any fails when it ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from peerpower.issues.models import Protocol

# Playwright's sync API runs an asyncio event loop in the test thread, so Django's
# "async unsafe" guard would refuse the ORM calls that the tests and live_server make.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PEERPOWER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Docker-style machines give /dev/shm only 64 MB, which crashes Chromium's renderer.
    "--disable-dev-shm-usage",
]
# Milliseconds; a real browser on a 2-core machine under a full test run can be slow.
DEFAULT_TIMEOUT_MS = 15_000

# Runs in every page before its own scripts; reports each refusal to the test via a binding.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__peerpowerCspViolation({
    page: document.location.href,
    directive: e.effectiveDirective,
    blocked: e.blockedURI,
    source: e.sourceFile + ":" + e.lineNumber,
    sample: e.sample,
    element: e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 160) : "",
  });
});
"""

E2E_DIR = Path(__file__).parent


# tryfirst: the marker must be on the items before pytest's own `-m` deselection runs.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` "
            "(or `make test-e2e`, which installs it when run as root)."
        )
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Factory for extra browser contexts (one per user in a multi-user test).

    Keyword arguments go to ``Browser.new_context`` (e.g. ``locale``, ``timezone_id``,
    ``viewport``); every context made is closed after the test.
    """
    made: list[BrowserContext] = []
    violations: list[dict[str, Any]] = []

    def record(violation: dict[str, Any]) -> None:
        violations.append(violation)

    def make(**kwargs: Any) -> BrowserContext:
        kwargs.setdefault("locale", "en-GB")
        kwargs.setdefault("timezone_id", "Europe/London")
        # Bootstrap's buttons fade between colours for 0.15 s; axe run in that window measures
        # a half-way colour (a hovered "Withdraw" read as too faint). With reduced motion the
        # colours settle at once, so axe checks the colours people actually see.
        kwargs.setdefault("reduced_motion", "reduce")
        ctx = browser.new_context(**kwargs)
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        ctx.expose_function("__peerpowerCspViolation", record)
        ctx.add_init_script(CSP_LISTENER)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        for open_page in ctx.pages:  # a round trip delivers any report still on its way
            if not open_page.is_closed():
                open_page.evaluate("1")
        ctx.close()
    if violations:
        pytest.fail(
            "The Content Security Policy refused something:\n"
            + "\n".join(
                f"- {v['directive']} on {v['page']}: {v['blocked']} "
                f"at {v['source']} {v['sample']!r} {v['element']}"
                for v in violations
            )
        )


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh browser context (own cookies and storage) for each test."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def builtin_protocols(live_server: LiveServer) -> None:
    """The built-in issue protocols, which a data migration makes: live_server's tests empty
    the database after each test, so every browser test puts them back first (a test that
    opened an issues page passed alone and failed after another test, in random order)."""
    if not Protocol.objects.filter(network=None).exists():
        migration = import_module("peerpower.issues.migrations.0002_builtin_protocols")
        migration.add_protocols(apps, None)
