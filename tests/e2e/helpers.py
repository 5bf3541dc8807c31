"""Steps the browser tests share: logging in through the real forms, TOTP codes, screenshots.

Every helper that lands on a page checks it with axe, so a flow never reaches a page unchecked.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from playwright.sync_api import Page, expect
from tests.e2e.axe import assert_no_axe_violations
from tests.factories import PASSWORD

from peerpower.accounts.models import User

# /tmp/e2e-shots by default; never compared, only for a person to look at.
SHOTS_DIR = Path(os.environ.get("E2E_SHOTS_DIR", Path(tempfile.gettempdir()) / "e2e-shots"))


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    # Not in the last seconds of a step: the code must still be current when the form arrives.
    while 30 - time.time() % 30 < 4:
        time.sleep(0.5)
    counters = list(yield_hotp_counters_from_time())
    current = counters[len(counters) // 2]  # the window is symmetric around the current one
    return str(format_hotp_value(hotp_value(secret, current)))


def totp_secret_of(user: User) -> str:
    """The secret of the user's authenticator app (as the app on their phone would hold it)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(decrypt(authenticator.data["secret"]))


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Fill allauth's log-in form; for a user with an authenticator, also the code step.

    Ends on whatever page the log-in leads to, checked with axe.
    """
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        assert_no_axe_violations(page)
        user = User.objects.get(email=email)
        page.get_by_label("Code").fill(totp_code(totp_secret_of(user)))
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    assert_no_axe_violations(page)


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot in SHOTS_DIR for a person to look at (never compared)."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS_DIR / f"{name}.png"), full_page=True)
