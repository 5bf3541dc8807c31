"""Each guests form in its ordinary use, as the person it is for would use it (open it, change
one thing, save, see the result; axe on every page): the admin's public-page text and choice
of groups, the triage's filters, declining a request and an application; a member's list of
organisations to avoid; the chair's approval and refusal of guests; a guest's "I can no longer
come" and withdrawal from the link in an email. (The visitor's request, the invitation, the
pledge, attendance, feedback and the application are in test_guests.py.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.guests import builders

from peerpower.guests import actions
from peerpower.guests.models import GuestRequest, GuestSettings
from peerpower.meetings.models import Meeting


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings: Settings, live_server: LiveServer) -> None:
    settings.SITE_URL = live_server.url


def test_the_admin_edits_the_public_page_chooses_its_groups_and_triages(
    live_server: LiveServer, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    tuesday = factories.make_group(network, "Tuesday Leaders")
    builders.list_group(tuesday)
    factories.make_group(network, "Thursday Circle")
    admin = factories.make_admin(network, "Alex Admin")
    builders.confirmed(network, name="Ada Confirmed", organisation="Alpha Trust")
    builders.confirmed(network, name="Bea Request", organisation="Beta Homes")
    past = factories.make_past_meeting(tuesday, months_ago=2)
    applied, applicant = builders.visited(network, past, admin)
    actions.application_submit(
        request=applied,
        hopes="Peers",
        time_commitment="Half a day a month",
        trustees_view="Keen",
        group=tuesday,
        by=applicant,
    )
    visitor = new_context().new_page()
    public = f"{live_server.url}/n/{network.slug}/"
    visitor.goto(public)  # the page is now in the cache
    expect(visitor.get_by_role("heading", name="Thursday Circle")).to_have_count(0)

    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/")
    page.get_by_role("link", name="Guests", exact=True).click()
    page.get_by_role("link", name="Public page and settings").click()
    assert_no_axe_violations(page)
    page.get_by_label("How the groups work").fill("We meet monthly in Leeds, over lunch.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The guest settings are saved.")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change Thursday Circle").click()
    assert_no_axe_violations(page)
    page.get_by_label("Takes guests (shown on the public page)").check()
    page.get_by_label("Area").fill("Leeds")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Guest settings of Thursday Circle")
    expect(page.get_by_role("row", name=re.compile("Thursday Circle Yes"))).to_be_visible()

    # The next visitor sees both changes at once, not the page cached for the first. (The
    # first visitor's own browser may keep its copy for up to a minute: max-age=60.)
    visitor = new_context().new_page()
    visitor.goto(public)
    expect(visitor.get_by_text("We meet monthly in Leeds, over lunch.")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Thursday Circle")).to_be_visible()
    assert_no_axe_violations(visitor)

    # Triage: search, then filter by status.
    page.get_by_role("link", name="Requests").click()
    page.get_by_label("Search name, email or organisation").fill("beta")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Bea Request")).to_be_visible()
    expect(page.get_by_role("link", name="Ada Confirmed")).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_label("Search name, email or organisation").fill("")
    page.get_by_label("Status").select_option("applied")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name=applied.name)).to_be_visible()
    expect(page.get_by_role("link", name="Bea Request")).to_have_count(0)

    # Declining an application needs a reason, given beside the field.
    page.get_by_role("link", name=applied.name).click()
    page.get_by_role("button", name="Decline the application").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Reason").fill("Our groups are full until the spring.")
    page.get_by_role("button", name="Decline the application").click()
    expect(page.get_by_role("status")).to_contain_text("The application is declined")
    assert_no_axe_violations(page)

    # Declining a request sends the network's kind message.
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="Bea Request").click()
    page.get_by_role("button", name="Decline with the kind message").click()
    expect(page.get_by_role("status")).to_contain_text("Bea Request's request is declined")
    assert GuestRequest.objects.get(name="Bea Request").status == GuestRequest.Status.DECLINED
    screenshot(page, "guests-declined")


def test_a_member_keeps_a_list_of_organisations_to_avoid(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    log_in(page, live_server.url, member.email)
    page.goto(f"{live_server.url}/my-organisation/")
    page.get_by_role("link", name="Organisations you would rather not meet in your group").click()
    assert_no_axe_violations(page)
    page.get_by_label("Organisation").fill("Hilltop Homes")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("Saved. Nobody else sees this list.")
    expect(page.get_by_role("listitem").filter(has_text="Hilltop Homes")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove Hilltop Homes").click()
    expect(page.get_by_role("status")).to_contain_text("Hilltop Homes is removed from your list.")
    expect(page.get_by_role("listitem").filter(has_text="Hilltop Homes")).to_have_count(0)


def test_the_chair_approves_one_guest_and_refuses_another(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    builders.list_group(group)
    admin = factories.make_admin(network, "Alex Admin")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    GuestSettings.objects.create(network=network, chair_approval=True)
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    builders.invited(network, meeting, admin, name="Gwen Guest")
    builders.invited(network, meeting, admin, name="Rob Refused")
    log_in(page, live_server.url, chair.email)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Guests", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Approve Gwen Guest").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision on Gwen Guest is saved.")
    page.get_by_role("button", name="Refuse Rob Refused").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision on Rob Refused is saved.")
    # Gwen is expected; Rob is back with the admins, and gone from the chair's page.
    expect(page.get_by_role("listitem").filter(has_text="Gwen Guest")).to_be_visible()
    expect(page.get_by_role("button", name="Refuse Rob Refused")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="Rob Refused")).to_have_count(0)
    assert_no_axe_violations(page)
    decided = dict(GuestRequest.objects.values_list("name", "chair_decision"))
    assert decided == {"Gwen Guest": "approved", "Rob Refused": "refused"}


def test_a_guest_withdraws_from_the_link_in_an_email(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    request = builders.confirmed(network, name="Wendy Withdraws")
    actions.request_decline(request=request, by=factories.make_admin(network))
    *_, email = [m for m in mail.outbox if m.to == [request.email]]  # the kind message
    link = next(w for w in str(email.body).split() if "/guests/withdraw/" in w)
    guest = new_context().new_page()
    guest.goto(link)
    assert_no_axe_violations(guest)
    guest.get_by_role("button", name="Withdraw and erase").click()
    expect(guest.get_by_role("status")).to_contain_text("Your request is withdrawn")
    assert_no_axe_violations(guest)
    request.refresh_from_db()
    assert (request.status, request.name) == (GuestRequest.Status.WITHDRAWN, "")


def test_a_guest_says_they_can_no_longer_come(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    builders.list_group(group)
    admin = factories.make_admin(network, "Alex Admin")
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    request, guest = builders.guest_user(network, meeting, admin)
    page = new_context().new_page()
    log_in(page, live_server.url, guest.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/guests/{request.pk}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="I can no longer come").click()
    expect(page.get_by_role("status")).to_contain_text("Your place is freed")
    expect(page.get_by_text("they will be in touch about a date")).to_be_visible()
    assert_no_axe_violations(page)
    request.refresh_from_db()
    assert (request.status, request.meeting) == (GuestRequest.Status.CONFIRMED, None)
    assert [m.to for m in mail.outbox if m.subject == "A guest can no longer come"] == [
        [admin.email]
    ]
