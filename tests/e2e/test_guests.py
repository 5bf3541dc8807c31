"""A guest's whole path, as the people involved would take it: a visitor finds the public page,
asks for a place and confirms their address; the admin checks for conflicts and invites them;
the guest signs up, accepts the pledge and takes the calendar file; the chair records them as
present; the guest gives feedback and applies; the admin accepts, the chair approves, and the
new member accepts the invitation and sees their group. And the public page at phone width."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.fees import builders as fee_builders
from tests.guests import builders

from peerpower.guests import actions
from peerpower.guests.models import GuestRequest, GuestSettings
from peerpower.meetings.actions import meeting_cancel
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Organisation

PASSWORD = "harbour-lantern-okapi-7"


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings: Settings, live_server: LiveServer) -> None:
    settings.SITE_URL = live_server.url


def _link(to: str, part: str, live_server: LiveServer) -> str:
    bodies = [str(m.body) for m in mail.outbox if m.to == [to]]
    for body in reversed(bodies):
        found = re.search(rf"{re.escape(live_server.url)}/{part}[\w:-]+/", body)
        if found:
            return found.group(0)
    raise AssertionError(f"no {part} link to {to}")


def test_a_visitor_becomes_a_guest_and_then_a_member(
    live_server: LiveServer, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    group = factories.make_group(network, "Tuesday Leaders", venue=venue)
    builders.list_group(group)
    admin = factories.make_admin(network, "Alex Admin")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    rival = Organisation.objects.create(
        network=network,
        name="Eastside Homes",
        sector="housing",
        region="london",
        size_band="medium",
    )
    factories.add_member(group, factories.make_user("Maya Member")).organisation = rival
    group.memberships.filter(user__name="Maya Member").update(organisation=rival)
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]

    # A visitor finds the public page and asks for a place.
    visitor = new_context().new_page()
    visitor.goto(f"{live_server.url}/n/{network.slug}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Northbridge")
    expect(visitor.get_by_role("heading", name="Tuesday Leaders")).to_be_visible()
    assert_no_axe_violations(visitor)
    visitor.get_by_role("link", name="Ask to come as a guest").click()
    assert_no_axe_violations(visitor)
    visitor.get_by_label("Your name").fill("Gwen Guest")
    visitor.get_by_label("Your email address").fill("gwen@example.org")
    visitor.get_by_label("Your role").fill("Chief executive")
    visitor.get_by_label("Organisation", exact=True).fill("Riverside Homes")
    visitor.get_by_label("Sector").select_option("housing")
    visitor.get_by_label("Annual income").select_option("medium")
    visitor.get_by_label("Region").select_option("london")
    visitor.get_by_label("Why you would like to come").fill("I lead alone and want peers.")
    visitor.get_by_label("Preferred group").select_option(label="Tuesday Leaders")
    visitor.get_by_label("I agree to be contacted about a visit").check()
    visitor.wait_for_timeout(3200)  # the form refuses what is sent faster than a person types
    visitor.get_by_role("button", name="Send my request").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_axe_violations(visitor)
    visitor.goto(_link("gwen@example.org", "guests/confirm/", live_server))
    assert_no_axe_violations(visitor)
    visitor.get_by_role("button", name="Confirm my request").click()
    expect(visitor.get_by_role("status")).to_contain_text("your address is confirmed")
    assert_no_axe_violations(visitor)

    # The admin sees the conflict check, dismisses its finding and invites her.
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/")
    page.get_by_role("link", name="Guests", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Gwen Guest").click()
    page.get_by_role("button", name="Run the check").click()
    expect(page.get_by_text("A possible competitor")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "guests-conflict-check")
    page.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Dismissed by Alex Admin")).to_be_visible()
    page.get_by_label("Meeting").select_option(str(meeting.pk))
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Gwen Guest is invited to Tuesday Leaders")
    assert_no_axe_violations(page)

    # Gwen signs up from the invitation, accepts the pledge and downloads the calendar file.
    visitor.goto(_link("gwen@example.org", "guests/join/", live_server))
    assert_no_axe_violations(visitor)
    expect(visitor.get_by_label("Your name")).to_have_value("Gwen Guest")
    visitor.get_by_label("Choose a password").fill(PASSWORD)
    visitor.get_by_label("Type it again").fill(PASSWORD)
    visitor.get_by_role("button", name="Accept the invitation").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Your visit to Tuesday Leaders")
    assert_no_axe_violations(visitor)
    visitor.get_by_role("button", name="I accept the pledge").click()
    expect(visitor.get_by_role("heading", name="When and where")).to_be_visible()
    expect(visitor.get_by_text("The Common Room")).to_be_visible()
    assert_no_axe_violations(visitor)
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Add to my calendar (.ics)").click()
    ics = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in ics and "Maya" not in ics
    request = GuestRequest.objects.get(email="gwen@example.org")
    assert request.pledge_version

    # The meeting begins; the chair records her as present.
    Meeting.objects.filter(pk=meeting.pk).update(started_at=timezone.now())
    chair_page = new_context().new_page()
    log_in(chair_page, live_server.url, chair.email)
    chair_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    chair_page.get_by_role("link", name="Guests", exact=True).click()
    assert_no_axe_violations(chair_page)
    chair_page.get_by_role("group", name=re.compile("Gwen Guest")).get_by_label("Present").check()
    chair_page.get_by_role("button", name="Save guests' attendance").click()
    expect(chair_page.get_by_role("status")).to_contain_text("Guests' attendance is saved.")
    assert_no_axe_violations(chair_page)

    # After the meeting Gwen gives feedback and applies.
    Meeting.objects.filter(pk=meeting.pk).update(ended_at=timezone.now())
    visitor.reload()
    assert_no_axe_violations(visitor)
    visitor.get_by_role("group", name=re.compile("How useful")).get_by_label("4").check()
    visitor.get_by_role("group", name="Would you join?").get_by_label("Yes").check()
    visitor.get_by_role("group", name=re.compile("holds you back")).get_by_label(
        "My trustees"
    ).check()
    visitor.get_by_role("button", name="Send feedback").click()
    expect(visitor.get_by_role("status")).to_contain_text("Thank you for your feedback.")
    visitor.get_by_label("What do you hope to get from a group?").fill("Peers who understand.")
    visitor.get_by_label("What time can you commit?").fill("Half a day a month")
    visitor.get_by_label("What do your trustees think?").fill("They back it.")
    visitor.get_by_role("button", name="Send my application").click()
    expect(visitor.get_by_role("status")).to_contain_text("Your application is sent.")
    assert_no_axe_violations(visitor)

    # The admin accepts; the chair approves the proposal, which sends the member invitation.
    page.reload()
    page.get_by_role("button", name="Accept: propose to Tuesday Leaders").click()
    expect(page.get_by_role("status")).to_contain_text("Gwen Guest is proposed to Tuesday Leaders")
    assert_no_axe_violations(page)
    chair_page.goto(f"{live_server.url}/groups/{group.pk}/")
    chair_page.get_by_role("button", name="Approve Gwen Guest").click()
    expect(chair_page.get_by_role("status")).to_contain_text("Gwen Guest is invited.")

    # Gwen accepts the member invitation and sees her group.
    visitor.goto(_link("gwen@example.org", "invitations/", live_server))
    assert_no_axe_violations(visitor)
    visitor.get_by_role("button", name="Accept and join").click()
    expect(visitor.get_by_role("status").first).to_contain_text("Tuesday Leaders")
    visitor.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Tuesday Leaders")
    assert_no_axe_violations(visitor)
    screenshot(visitor, "guests-now-a-member")


def test_the_public_page_at_phone_width(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    builders.list_group(factories.make_group(network, "Tuesday Leaders with a long name"))
    # Everything the page can show: what it costs in words and the price list (fees), with VAT.
    admin = factories.make_admin(network)
    actions.guest_settings_update(
        network=network, values={"costs": "Bursaries cover most small charities."}, by=admin
    )
    fee_builders.invoice_details(network, admin)
    fee_builders.plan(network, admin)
    phone = new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{live_server.url}/n/{network.slug}/")
    expect(phone.get_by_role("link", name="Ask to come as a guest")).to_be_visible()
    expect(phone.get_by_role("cell", name="Under £100,000")).to_be_visible()
    expect(phone.get_by_text("(2 places left)").first).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="Ask to come as a guest").click()
    assert_no_axe_violations(phone)
    screenshot(phone, "guests-public-page-phone")


def test_a_guests_visit_while_the_chair_decides_and_after_a_cancellation(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """The visit page's other states, as the guest and the chair see them: invited again and
    waiting for the chair (nothing of the meeting shown), the meeting cancelled, and the
    chair's guest list with a guest who has applied since."""
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", venue=factories.make_venue(network, "The Common Room")
    )
    builders.list_group(group)
    admin = factories.make_admin(network, "Alex Admin")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    first, second = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[:2]
    past = factories.make_past_meeting(group, months_ago=2)
    applied, applicant = builders.visited(network, past, admin)
    actions.application_submit(
        request=applied,
        hopes="Peers",
        time_commitment="Half a day a month",
        trustees_view="Keen",
        group=group,
        by=applicant,
    )
    request, guest = builders.guest_user(network, first, admin)
    actions.guest_cannot_come(request=request, by=guest)
    GuestSettings.objects.update_or_create(network=network, defaults={"chair_approval": True})
    request = actions.request_invite(
        request=GuestRequest.objects.get(pk=request.pk), meeting=second, by=admin
    )

    page = new_context().new_page()
    log_in(page, live_server.url, guest.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/guests/{request.pk}/")
    expect(page.get_by_text("We are confirming your place")).to_be_visible()
    expect(page.get_by_text("The Common Room")).to_have_count(0)
    assert_no_axe_violations(page)

    actions.chair_decide(request=request, approve=True, by=chair)
    request.refresh_from_db()
    actions.guest_join(request=request, user=guest)
    request.refresh_from_db()
    actions.guest_pledge_accept(request=request, by=guest)
    meeting_cancel(meeting=second, reason="Storm", by=chair)
    page.goto(f"{live_server.url}/guests/{request.pk}/")
    expect(page.get_by_text("is cancelled")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "guests-visit-cancelled")

    chair_page = new_context().new_page()
    log_in(chair_page, live_server.url, chair.email)
    chair_page.goto(f"{live_server.url}/meetings/{past.pk}/guests/")
    expect(chair_page.get_by_role("heading", name="Guests who have applied since")).to_be_visible()
    assert_no_axe_violations(chair_page)
