"""Past and cancelled meetings show only what can be done now; a member replies from the
reminder's one-click link with no log-in (once); the chair records attendance with "All
present". Every page is checked with axe and at 360 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.meetings.actions import meeting_cancel, reminders_send_due
from peerpower.meetings.models import Meeting, Participation


def a_group() -> tuple[PeerGroup, User, User, User]:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    group = factories.make_group(
        network, "Tuesday Leaders", venue=venue, series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    maya = factories.add_member(group, factories.make_user("Maya Member")).user
    bea = factories.add_member(group, factories.make_user("Bea Member")).user
    Membership.objects.filter(group=group).update(pledge_accepted_at=timezone.now())
    return group, chair.user, maya, bea


def upcoming(group: PeerGroup) -> list[Meeting]:
    return list(
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by("starts_at")
    )


def test_past_and_cancelled_meetings_offer_only_what_can_be_done_now(
    live_server: LiveServer, page: Page, builtin_protocols: None
) -> None:
    group, chair, maya, bea = a_group()
    past = factories.make_past_meeting(group)
    Participation.objects.create(meeting=past, user=maya, rsvp="attending")
    Participation.objects.create(
        meeting=past, user=bea, rsvp="apologies", apology_reason="At a board meeting"
    )
    cancelled = upcoming(group)[1]
    meeting_cancel(meeting=cancelled, reason="The venue is closed", by=chair)

    log_in(page, live_server.url, maya.email)
    # A past meeting: what happened, nothing to reply to or join.
    page.goto(f"{live_server.url}/meetings/{past.pk}/")
    expect(page.get_by_role("status").first).to_have_text("This meeting has taken place.")
    who = page.get_by_role("region", name="Who came")
    expect(who).to_contain_text("Attendance is not recorded yet.")
    expect(who).to_contain_text("1 said they would come · 1 sent apologies")
    expect(page.get_by_role("region", name="Who is coming")).to_have_count(0)
    expect(page.get_by_role("region", name="Your reply")).to_have_count(0)
    expect(page.get_by_role("link", name="Add to my calendar (.ics)")).to_have_count(0)
    expect(page.get_by_role("link", name="Meeting room")).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "meeting-past")
    # Its issues session: no check-in to fill in, and it says why.
    page.get_by_role("link", name="Issues session").click()
    expect(page.locator("#meeting-state")).to_contain_text("This meeting is over.")
    checkin = page.get_by_role("region", name="Check-in: how was your month?")
    expect(checkin).to_contain_text("This meeting is over and its check-ins have closed")
    expect(checkin.get_by_role("button")).to_have_count(0)
    assert_no_axe_violations(page)

    # A cancelled meeting: the reason, and no calendar file, issues session or room.
    page.goto(f"{live_server.url}/meetings/{cancelled.pk}/")
    expect(page.get_by_role("status").first).to_have_text(
        "This meeting is cancelled: The venue is closed"
    )
    for name in ("Add to my calendar (.ics)", "Issues session", "Meeting room"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    expect(page.get_by_role("region", name="Your reply")).to_have_count(0)
    expect(page.get_by_role("region", name="Who is coming")).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "meeting-cancelled")
    # The next one, by contrast, still offers all of it.
    page.goto(f"{live_server.url}/meetings/{upcoming(group)[0].pk}/")
    for name in ("Add to my calendar (.ics)", "Issues session", "Meeting room"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("region", name="Who is coming")).to_be_visible()


def test_a_member_replies_from_the_reminder_link_without_logging_in_once(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    group, _, maya, _ = a_group()
    meeting = upcoming(group)[0]
    mail.outbox.clear()
    reminders_send_due(now=meeting.starts_at - timedelta(hours=20))
    [reminder] = [m for m in mail.outbox if m.to == [maya.email]]
    links = dict(re.findall(r"^(I'll be there|Send apologies): (\S+)$", str(reminder.body), re.M))
    link = links["I'll be there"].replace(settings.SITE_URL, live_server.url)

    # A fresh browser, as from the mail program: nobody is logged in.
    page = new_context().new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reply to Tuesday Leaders")
    expect(page.get_by_text("for Maya Member")).to_be_visible()
    expect(page.get_by_label("I'll be there", exact=False).first).to_be_checked()
    assert not Participation.objects.filter(meeting=meeting, user=maya).exists()  # GET only
    assert_no_axe_violations(page)
    screenshot(page, "reply-link")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("status")).to_contain_text("is saved: attending")
    assert_no_axe_violations(page)
    assert Participation.objects.get(meeting=meeting, user=maya).rsvp == "attending"

    # The same link again, or the other answer from the same email: refused, plainly.
    for answer in ("I'll be there", "Send apologies"):
        again = new_context().new_page()
        response = again.goto(links[answer].replace(settings.SITE_URL, live_server.url))
        assert response is not None and response.status == 410
        expect(again.get_by_role("heading", level=1)).to_have_text("This reply link cannot be used")
        expect(again.get_by_text("It has been used already, or it has expired")).to_be_visible()
        assert_no_axe_violations(again)
    assert Participation.objects.get(meeting=meeting, user=maya).rsvp == "attending"


def test_the_chair_records_attendance_with_all_present(live_server: LiveServer, page: Page) -> None:
    group, chair, maya, bea = a_group()
    past = factories.make_past_meeting(group)
    Participation.objects.create(
        meeting=past, user=bea, rsvp="apologies", apology_reason="At a board meeting"
    )
    log_in(page, live_server.url, chair.email)
    page.goto(f"{live_server.url}/meetings/{past.pk}/")
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Attendance: Tuesday Leaders")
    bea_row = page.get_by_role("group", name=re.compile("Bea Member"))
    expect(bea_row).to_contain_text("sent apologies")
    expect(bea_row).not_to_contain_text("At a board meeting")  # the reason is only Bea's
    expect(page.get_by_role("group", name=re.compile("Maya Member"))).to_contain_text(
        "did not reply"
    )
    assert_no_axe_violations(page)
    screenshot(page, "attendance-register")

    # "All present" fills in who is not marked: Bea, who sent apologies, as excused.
    page.get_by_role("button", name="All present").click()
    expect(page.get_by_role("status").first).to_contain_text("Attendance is saved.")
    who = page.get_by_role("region", name="Who came")
    expect(who).to_contain_text("2 present")
    for name in ("Helen Chair", "Maya Member"):
        expect(who.get_by_role("listitem").filter(has_text=name)).to_contain_text("present")
    expect(who.get_by_role("listitem").filter(has_text="Bea Member")).to_contain_text("excused")
    assert_no_axe_violations(page)
    marks = dict(Participation.objects.filter(meeting=past).values_list("user_id", "attendance"))
    assert marks == {chair.pk: "present", maya.pk: "present", bea.pk: "excused"}

    # Bea came after all: one change, saved, shown.
    page.get_by_role("link", name="Change attendance").click()
    page.get_by_role("group", name=re.compile("Bea Member")).get_by_text(
        "Present", exact=True
    ).click()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status").first).to_contain_text("Attendance is saved.")
    expect(who).to_contain_text("3 present")
    expect(who.get_by_role("listitem").filter(has_text="Bea Member")).to_contain_text("present")
    assert Participation.objects.get(meeting=past, user=bea).attendance == "present"
