"""A chair who has no authenticator yet is made to set one up before reaching the group."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot, totp_code

from peerpower.accounts.actions import invitation_create


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
    # exact: the group's health link beside it is "Group health of Tuesday Leaders".
    page.get_by_role("region", name="Groups you run").get_by_role(
        "link", name="Tuesday Leaders", exact=True
    ).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday Leaders")
    assert_no_axe_violations(page)


def test_staff_and_superusers_must_set_up_a_second_factor_before_the_django_admin(
    live_server: LiveServer, page: Page
) -> None:
    staff = factories.make_user("Sam Staff")
    staff.is_staff = staff.is_superuser = True
    staff.save()

    log_in(page, live_server.url, staff.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Protect your account first")
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/mfa-required/$"))
    page.goto(f"{live_server.url}/admin/accounts/user/")
    expect(page).to_have_url(re.compile(r"/accounts/mfa-required/$"))
    assert_no_axe_violations(page)


def test_a_new_chair_sets_up_two_factor_without_retyping_the_password(
    live_server: LiveServer, page: Page, settings: Settings
) -> None:
    settings.SITE_URL = live_server.url
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    admin = factories.make_admin(network, "Alex Admin")
    mail.outbox.clear()
    invitation_create(
        network=network,
        group=group,
        role="chair",
        email="cat@example.org",
        name="Cat Chair",
        by=admin,
    )
    [email] = [m for m in mail.outbox if m.to == ["cat@example.org"]]
    match = re.search(rf"{re.escape(live_server.url)}/invitations/[\w-]+/", str(email.body))
    assert match
    page.goto(match.group(0))
    page.get_by_label("Choose a password").fill("harbour-lantern-okapi-7")
    page.get_by_label("Type it again").fill("harbour-lantern-okapi-7")
    page.get_by_role("button", name="Accept and join").click()
    # A chair must protect the account before anything else opens.
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/mfa-required/$"))
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))  # no password again
    assert_no_axe_violations(page)
