"""A chair moves one meeting and cancels another; members are emailed calendar updates."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.meetings.models import Meeting

LONDON = ZoneInfo("Europe/London")


def when(meeting: Meeting) -> str:
    """A meeting's date and time as the pages write it (in London time, the viewers' zone)."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return f"{starts:%A} {starts.day} {starts:%B %Y}, {starts:%H:%M}–{ends:%H:%M}"


def ics_attachments(message: mail.EmailMessage) -> list[tuple[str, str, str]]:
    found = []
    for filename, content, mimetype in message.attachments:
        if str(filename).endswith(".ics"):
            text = content.decode() if isinstance(content, bytes) else str(content)
            found.append((str(filename), text, str(mimetype)))
    return found


def test_chair_moves_one_meeting_and_cancels_another(live_server: LiveServer, page: Page) -> None:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    group = factories.make_group(
        network, "Tuesday Leaders", venue=venue, series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    upcoming = list(
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by("starts_at")
    )
    to_move, to_cancel = upcoming[0], upcoming[2]

    log_in(page, live_server.url, chair.email)
    # exact: the group's health link beside it is "Group health of Tuesday Leaders".
    page.get_by_role("region", name="Groups you run").get_by_role(
        "link", name="Tuesday Leaders", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday Leaders")
    assert_no_axe_violations(page)

    # Move the next meeting to the following day, 10:00–14:00.
    page.get_by_role("region", name="Next meeting").get_by_role(
        "link", name=re.compile("^" + re.escape(when(to_move)))
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(when(to_move))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Move or change venue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move or change the venue")
    assert_no_axe_violations(page)
    new_day = timezone.localtime(to_move.starts_at).date() + timedelta(days=1)
    page.get_by_label("Date").fill(new_day.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("14:00")
    mail.outbox.clear()
    page.get_by_role("button", name="Save and notify members").click()

    moved_text = f"{new_day:%A} {new_day.day} {new_day:%B %Y}, 10:00–14:00"
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(moved_text)
    expect(heading).to_contain_text("Changed")
    expect(page.get_by_role("status")).to_contain_text("members have been sent an updated")
    assert_no_axe_violations(page)
    screenshot(page, "meeting-moved")

    assert sorted(m.to[0] for m in mail.outbox) == sorted([chair.email, member.email])
    for message in mail.outbox:
        assert message.subject.startswith("Changed: Tuesday Leaders")
        assert moved_text in message.body
        [(filename, ics, mimetype)] = ics_attachments(message)
        assert "method=REQUEST" in mimetype
        calendar = Calendar.from_ical(ics)
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == datetime.combine(new_day, time(10), LONDON)
        assert event.decoded("DTEND") == datetime.combine(new_day, time(14), LONDON)
        assert filename.startswith("invite-")

    # Cancel the meeting after next, from the group's list of the year ahead.
    page.get_by_role("link", name="Tuesday Leaders").click()  # the breadcrumb
    assert_no_axe_violations(page)
    page.get_by_role("region", name="The year ahead").get_by_role(
        "link", name=when(to_cancel)
    ).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Cancel meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancel the meeting of")
    assert_no_axe_violations(page)
    mail.outbox.clear()

    # Without a reason the form says what is missing, next to the field.
    page.get_by_role("button", name="Cancel the meeting").click()
    reason = page.get_by_label("Reason members will see")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(re.compile("required", re.IGNORECASE))
    assert_no_axe_violations(page)
    assert mail.outbox == []

    reason.fill("The venue is closed for repairs")
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancelled")
    expect(
        page.get_by_text("This meeting is cancelled: The venue is closed for repairs")
    ).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "meeting-cancelled")

    assert sorted(m.to[0] for m in mail.outbox) == sorted([chair.email, member.email])
    for message in mail.outbox:
        assert message.subject.startswith("Cancelled: Tuesday Leaders")
        assert "The venue is closed for repairs" in message.body
        [(filename, ics, mimetype)] = ics_attachments(message)
        assert "method=CANCEL" in mimetype
        calendar = Calendar.from_ical(ics)
        assert calendar["METHOD"] == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert event["STATUS"] == "CANCELLED"
        assert event.decoded("DTSTART") == to_cancel.starts_at
        assert filename.startswith("cancel-")

    # Back on the group page, both changes show in the year ahead.
    page.get_by_role("link", name="Tuesday Leaders").click()
    year = page.get_by_role("region", name="The year ahead")
    expect(year.get_by_role("link", name=re.compile(re.escape(moved_text)))).to_contain_text(
        "Changed"
    )
    expect(year.get_by_role("link", name=re.compile(re.escape(when(to_cancel))))).to_contain_text(
        "Cancelled"
    )
    expect(page.get_by_role("region", name="Next meeting")).to_contain_text(moved_text)
    assert_no_axe_violations(page)
