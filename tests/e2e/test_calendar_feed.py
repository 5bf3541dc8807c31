"""A member copies their private calendar link (the copy button, one-click subscriptions),
a calendar program can read it, and replacing it asks first."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.meetings.models import Meeting


def test_member_subscribes_to_their_calendar_feed(
    live_server: LiveServer, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    this_month = timezone.localdate().replace(day=1)
    group = factories.make_group(network, "Tuesday Leaders", series_start=this_month)
    factories.make_group(network, "Thursday Circle", weekday=3, series_start=this_month)
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    meetings = Meeting.objects.filter(group=group).count()
    assert meetings >= 12

    log_in(page, live_server.url, member.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Maya Member")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your meetings in your own calendar")
    assert_no_axe_violations(page)
    screenshot(page, "calendar-settings")
    feed_url = page.get_by_label("Your private calendar link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/calendar/[\w-]+\.ics", feed_url), feed_url

    # A calendar program fetches the link without any log-in.
    calendar_app = new_context().request
    response = calendar_app.get(feed_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    text = response.text()
    assert text.count("BEGIN:VEVENT") == meetings
    assert "Thursday Circle" not in text
    events = Calendar.from_ical(text).walk("VEVENT")
    assert {str(event["SUMMARY"]) for event in events} == {"Tuesday Leaders — monthly meeting"}
    starts = sorted(event.decoded("DTSTART") for event in events)
    assert starts == list(
        Meeting.objects.filter(group=group)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )

    # The copy button puts the link on the clipboard and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Copied. Paste it into your calendar program.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == feed_url

    # One-click subscriptions: webcal:// and the services' add-by-URL pages, with this link.
    webcal = feed_url.replace("http://", "webcal://", 1)
    expect(page.get_by_role("link", name="Subscribe in Apple Calendar")).to_have_attribute(
        "href", webcal
    )
    expect(page.get_by_role("link", name="Subscribe in Google Calendar")).to_have_attribute(
        "href", "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal})
    )
    expect(page.get_by_role("link", name="Subscribe in Outlook.com")).to_have_attribute(
        "href",
        "https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": feed_url, "name": "Peer Power meetings"}),
    )

    # Replacing the link asks first, saying what happens to subscribed calendars.
    page.get_by_text("Replace the link…").click()
    expect(
        page.get_by_text("Every calendar subscribed to the current link stops updating.")
    ).to_be_visible()
    assert calendar_app.get(feed_url).status == 200
    assert_no_axe_violations(page)
    screenshot(page, "calendar-replace-confirm")
    # Replacing the link stops the old one at once.
    page.get_by_role("button", name="Replace the link now").click()
    expect(page.get_by_role("status")).to_contain_text("Your calendar link is replaced")
    assert_no_axe_violations(page)
    new_url = page.get_by_label("Your private calendar link").input_value()
    assert new_url != feed_url
    # The new link is the one the page now copies and subscribes to.
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == new_url
    expect(page.get_by_role("link", name="Subscribe in Apple Calendar")).to_have_attribute(
        "href", new_url.replace("http://", "webcal://", 1)
    )
    assert calendar_app.get(feed_url).status == 404
    assert calendar_app.get(new_url).status == 200
