"""A chair invites someone to their group; the invitee follows the emailed link and joins."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.models import User
from peerpower.groups.models import Membership

NEW_PASSWORD = "harbour-lantern-okapi-7"


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings: Settings, live_server: LiveServer) -> None:
    settings.SITE_URL = live_server.url


def test_invitee_accepts_and_sets_a_password(
    live_server: LiveServer, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user

    # The chair invites Priya from the group's page.
    log_in(page, live_server.url, chair.email)
    # exact: the group's health link beside it is "Group health of Tuesday Leaders".
    page.get_by_role("region", name="Groups you run").get_by_role(
        "link", name="Tuesday Leaders", exact=True
    ).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Invite a member").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a member to Tuesday Leaders")
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Name").fill("Priya Patel")
    mail.outbox.clear()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to priya@example.org")
    expect(page.get_by_role("heading", name="Invited, not yet joined")).to_be_visible()
    assert_no_axe_violations(page)

    # Priya reads the email and opens the link in her own browser.
    [invitation_email] = [m for m in mail.outbox if m.to == ["priya@example.org"]]
    assert "Tuesday Leaders" in invitation_email.subject
    body = str(invitation_email.body)
    match = re.search(rf"{re.escape(live_server.url)}/invitations/[\w-]+/", body)
    assert match, body
    invitee_page = new_context().new_page()
    invitee_page.goto(match.group(0))
    expect(invitee_page.get_by_role("heading", level=1)).to_have_text("Join Tuesday Leaders")
    assert_no_axe_violations(invitee_page)
    expect(invitee_page.get_by_label("Your name")).to_have_value("Priya Patel")
    screenshot(invitee_page, "invitation-accept")

    # A mismatched second password is refused, next to the field.
    invitee_page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    invitee_page.get_by_label("Type it again").fill(NEW_PASSWORD + "x")
    invitee_page.get_by_role("button", name="Accept and join").click()
    again = invitee_page.get_by_label("Type it again")
    expect(again).to_have_attribute("aria-invalid", "true")
    expect(again).to_have_accessible_description(re.compile("not the same"))
    assert_no_axe_violations(invitee_page)

    invitee_page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    again.fill(NEW_PASSWORD)
    invitee_page.get_by_role("button", name="Accept and join").click()

    expect(invitee_page).to_have_url(f"{live_server.url}/")
    expect(invitee_page.get_by_role("heading", level=1)).to_have_text("Hello, Priya Patel")
    # Beside the welcome, a reminder to accept the group's pledge (also a status).
    expect(
        invitee_page.get_by_role("status").filter(
            has_text=re.compile(r"^Welcome to Tuesday Leaders\.$")
        )
    ).to_be_visible()
    expect(invitee_page.get_by_role("navigation", name="Main")).to_contain_text("Priya Patel")
    assert_no_axe_violations(invitee_page)
    screenshot(invitee_page, "home-after-joining")

    priya = User.objects.get(email="priya@example.org")
    assert priya.check_password(NEW_PASSWORD)
    assert Membership.objects.get(group=group, user=priya).status == Membership.Status.ACTIVE


def test_withdrawing_an_invitation_asks_first(live_server: LiveServer, page: Page) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    invitation_create(
        network=network, group=group, role="member", email="pat@example.org", name="Pat", by=chair
    )
    log_in(page, live_server.url, chair.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    # One click only opens the question; nothing is withdrawn yet.
    page.get_by_text("Withdraw invitation to Pat").click()
    expect(page.get_by_text("Their link stops working at once.")).to_be_visible()
    assert Membership.objects.filter(group=group, user__email="pat@example.org").exists()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Withdraw the invitation to Pat").click()
    expect(page.get_by_role("status")).to_contain_text("The invitation to pat@example.org is")
    assert not Membership.objects.filter(group=group, user__email="pat@example.org").exists()
    assert_no_axe_violations(page)
    # Changed their mind: "Undo" in the message puts it back, and Pat's link works again.
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text(
        "The invitation to pat@example.org is back; their link works again."
    )
    expect(page.get_by_text("Withdraw invitation to Pat")).to_be_visible()
    assert Membership.objects.get(group=group, user__email="pat@example.org").status == "invited"
    assert_no_axe_violations(page)
