"""A chair edits the next meeting's agenda: one minute value, then unchanged, then add, remove
and reorder with the editor's buttons, with the times following as they type; and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.meetings.models import Meeting


def segment(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=re.compile(rf"^Segment {number}\b"))


def agenda_of(meeting: Meeting) -> list[tuple[str, int]]:
    return list(meeting.agenda_items.values_list("title", "minutes"))


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def setup() -> tuple[Meeting, str]:
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    meeting = (
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    return meeting, chair.email


def test_chair_edits_the_agenda(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    meeting, chair_email = setup()
    # No button transitions: axe must not catch a button half-way through its hover colours.
    page = new_context(reduced_motion="reduce").new_page()
    log_in(page, live_server.url, chair_email)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Edit agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda for Tuesday Leaders")
    assert_no_axe_violations(page)

    # One minute value: the times after it move as the chair types.
    speaker = segment(page, 2)
    expect(speaker).to_contain_text("10:00–11:00")
    speaker.get_by_label("Minutes").fill("45")
    expect(speaker).to_contain_text("10:00–10:45")
    expect(segment(page, 3)).to_contain_text("10:45–11:00")
    expect(page.locator("#agenda-summary")).to_have_text(
        "Ends at 13:15, 15 minutes before the meeting ends (13:30)."
    )
    screenshot(page, "agenda-editor")
    page.get_by_role("button", name="Save agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda is saved.")
    expect(page.get_by_role("table", name="Agenda with start times")).to_contain_text("10:00–10:45")
    assert_no_axe_violations(page)
    assert agenda_of(meeting)[1] == ("Expert speaker", 45)

    # Saving it unchanged works.
    page.get_by_role("link", name="Edit agenda").click()
    page.get_by_role("button", name="Save agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda is saved.")
    assert [m for _, m in agenda_of(meeting)] == [30, 45, 15, 90, 45]

    # Add a segment, remove the break, move the issues session above the speaker.
    page.get_by_role("link", name="Edit agenda").click()
    page.get_by_role("button", name="Add a segment").click()
    added = segment(page, 6)
    expect(added.get_by_label("Title")).to_be_focused()
    added.get_by_label("Title").fill("Close")
    added.get_by_label("Kind").select_option(label="Other")
    added.get_by_label("Minutes").fill("15")
    expect(added).to_contain_text("13:15–13:30")
    segment(page, 3).get_by_role("button", name="Remove").click()
    expect(page.get_by_role("group", name=re.compile("^Segment"))).to_have_count(5)
    segment(page, 3).get_by_role("button", name="Move up").click()  # the issues session
    expect(segment(page, 2).get_by_label("Title")).to_have_value("Issues session")
    expect(segment(page, 2)).to_contain_text("10:00–11:30")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda is saved.")
    assert agenda_of(meeting) == [
        ("Arrival and check-in", 30),
        ("Issues session", 90),
        ("Expert speaker", 45),
        ("Networking and lunch", 45),
        ("Close", 15),
    ]


def test_the_agenda_editor_fits_a_phone(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    meeting, chair_email = setup()
    page = new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce").new_page()
    log_in(page, live_server.url, chair_email)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/agenda/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda for Tuesday Leaders")
    assert no_sideways_scroll(page)
    remove = segment(page, 5).get_by_role("button", name="Remove")
    remove.scroll_into_view_if_needed()
    box = remove.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    assert_no_axe_violations(page)
    screenshot(page, "agenda-editor-phone")
    segment(page, 5).get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Save agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda is saved.")
    assert no_sideways_scroll(page)
    assert len(agenda_of(meeting)) == 4
