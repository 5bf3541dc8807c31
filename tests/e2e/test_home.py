"""Home is "what next?" for each role: a member, a chair (who chases replies in one click), a
network admin, and a coach; each page checked with axe and at 360 px."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.helpers import log_in, screenshot
from tests.e2e.test_network_setup import checked

from peerpower.groups.actions import membership_propose
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.actions import issue_submit, queue_fix
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import Network, NetworkRole


def a_group() -> tuple[Network, PeerGroup]:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    return network, factories.make_group(network, "Tuesday Leaders", venue=venue)


def next_meeting(group: PeerGroup) -> Meeting:
    return Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by("starts_at")[
        0
    ]


def test_a_member_sees_their_next_meeting_and_what_to_do(
    live_server: LiveServer, page: Page
) -> None:
    _, group = a_group()
    member = factories.add_member(group, factories.make_user("Dr Maya Okafor")).user
    log_in(page, live_server.url, member.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dr Maya Okafor")
    expect(page.get_by_role("region", name="Your next meeting")).to_contain_text(
        "Your reply: not yet given"
    )
    expect(page.get_by_role("region", name="Your groups")).to_contain_text("Tuesday Leaders")
    checked(page)
    screenshot(page, "home-member")


def test_a_chair_chases_the_replies_still_missing(live_server: LiveServer, page: Page) -> None:
    _, group = a_group()
    chair = factories.add_member(group, factories.make_user("Helen Carter", mfa=True), role="chair")
    quiet = factories.add_member(group, factories.make_user("Sam Evans")).user
    keen = factories.add_member(group, factories.make_user("Rosa Garcia")).user
    meeting = next_meeting(group)
    Participation.objects.create(meeting=meeting, user=keen, rsvp="attending")
    Participation.objects.create(meeting=meeting, user=chair.user, rsvp="attending")
    Membership.objects.filter(group=group).update(pledge_accepted_at=timezone.now())
    issue_submit(meeting=meeting, presenter=keen, question="How do I keep good staff?")

    log_in(page, live_server.url, chair.user.email)
    run = page.get_by_role("region", name="Groups you run")
    expect(run).to_contain_text("1 of 3 members has not replied: Sam Evans.")
    expect(run.get_by_role("link", name="1 issue waiting for your order")).to_be_visible()
    expect(run).to_contain_text("The group has 2 members; it needs at least 8.")
    checked(page)
    screenshot(page, "home-chair")
    mail.outbox.clear()
    run.get_by_role("button", name="Remind them by email").click()
    expect(page.get_by_role("status")).to_have_text("Reminder sent to 1 member of Tuesday Leaders.")
    expect(page.get_by_role("region", name="Groups you run")).to_contain_text(
        "A reminder went to them today."
    )
    expect(page.get_by_role("button", name="Remind them by email")).to_have_count(0)
    checked(page)
    assert [m.to for m in mail.outbox] == [[quiet.email]]


def test_a_chair_decides_a_proposal_from_home_and_a_member_sees_where_their_issue_went(
    live_server: LiveServer, page: Page
) -> None:
    network, group = a_group()
    admin = factories.make_admin(network, "Alex Morgan")
    chair = factories.add_member(group, factories.make_user("Helen Carter", mfa=True), role="chair")
    member = factories.add_member(group, factories.make_user("Sam Evans")).user
    Membership.objects.filter(group=group).update(pledge_accepted_at=timezone.now())
    membership_propose(group=group, email="nia@example.org", name="Nia Newcomer", by=admin)
    meeting, later = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[:2]
    issue_submit(meeting=meeting, presenter=member, question="How do I delegate?")
    queue_fix(meeting=meeting, order=[], by=chair.user)

    log_in(page, live_server.url, chair.user.email)
    run = page.get_by_role("region", name="Groups you run")
    expect(run).to_contain_text(
        "Proposed by the network, waiting for you to approve or decline: Nia Newcomer "
        "(proposed by Alex Morgan)."
    )
    run.get_by_role("link", name="Decide on the group page").click()
    page.get_by_role("button", name="Approve Nia Newcomer").click()
    expect(page.get_by_role("status")).to_have_text("Nia Newcomer is invited.")
    checked(page)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("region", name="Groups you run")).not_to_contain_text("Nia Newcomer")

    page.context.clear_cookies()
    log_in(page, live_server.url, member.email)
    carried = page.get_by_role("region", name="Your issues carried over")
    expect(carried).to_contain_text(
        f"carried over from {timezone.localtime(meeting.starts_at):%-d %B} to the meeting on "
        f"{timezone.localtime(later.starts_at):%A %-d %B}"
    )
    checked(page)
    carried.get_by_role("link", name="“How do I delegate?”").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How do I delegate?")


def test_a_network_admin_sees_the_network_at_a_glance(live_server: LiveServer, page: Page) -> None:
    network, group = a_group()
    admin = factories.make_admin(network, "Alex Morgan")
    factories.add_member(group, factories.make_user("Helen Carter", mfa=True), role="chair")
    member = factories.add_member(group, factories.make_user("Sam Evans")).user
    Participation.objects.create(meeting=next_meeting(group), user=member, rsvp="attending")
    factories.make_group(network, "Harbour Leaders")
    log_in(page, live_server.url, admin.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex Morgan")
    running = page.get_by_role("region", name="Running Northbridge")
    expect(running).to_contain_text("Tuesday Leaders")
    expect(running).to_contain_text("1 of 2 replied · 1 coming")
    expect(running).to_contain_text("Harbour Leaders has no chair.")
    checked(page)
    screenshot(page, "home-admin")
    running.get_by_role("link", name="Run Northbridge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northbridge")


def test_a_coach_gets_an_honest_page(live_server: LiveServer, page: Page) -> None:
    network, _ = a_group()
    coach = factories.make_user("Jo Whitfield")
    NetworkRole.objects.create(network=network, user=coach, role=NetworkRole.Role.COACH)
    log_in(page, live_server.url, coach.email)
    expect(page.get_by_role("region", name="Coaching and speaking")).to_contain_text(
        "You coach for Northbridge."
    )
    expect(page.get_by_role("region", name="Your next meeting")).to_have_count(0)
    checked(page)
