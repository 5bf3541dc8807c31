"""A chair who has no authenticator yet is made to set one up before reaching the group."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot, totp_code


def test_chair_without_authenticator_sets_one_up_then_reaches_the_group(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=False), role="chair"
    ).user
    assert not factories.has_mfa(chair)

    log_in(page, live_server.url, chair.email)

    expect(page).to_have_url(re.compile(r"/accounts/mfa-required/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Protect your account first")

    # The gate holds: the group page sends the chair back here.
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/mfa-required/$"))
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Set up an authenticator app").click()
    # allauth asks for the password again before a security change, even just after log-in.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert_no_axe_violations(page)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert_no_axe_violations(page)
    screenshot(page, "mfa-activate")

    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))
    assert_no_axe_violations(page)
    screenshot(page, "mfa-activated")
    assert factories.has_mfa(chair)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))

    page.get_by_role("link", name="Continue to Peer Power").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Helen Chair")
    assert_no_axe_violations(page)
    page.get_by_role("region", name="Groups you run").get_by_role(
        "link", name="Tuesday Leaders"
    ).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday Leaders")
    assert_no_axe_violations(page)
