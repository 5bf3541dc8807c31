"""A network admin logs in (password, then authenticator code) and sets up a monthly group."""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import TU, relativedelta
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.groups.models import PeerGroup


def second_tuesdays(first_month: date, count: int) -> list[date]:
    return [first_month + relativedelta(months=i, day=1, weekday=TU(2)) for i in range(count)]


def test_admin_creates_a_group_meeting_on_the_second_tuesday(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    factories.make_venue(network, "The Common Room")
    admin = factories.make_admin(network, "Alex Admin")
    first_month = timezone.localdate().replace(day=1) + relativedelta(months=1)

    log_in(page, live_server.url, admin.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex Admin")

    page.get_by_role("link", name="Run Northbridge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northbridge")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="New group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New group")
    assert_no_axe_violations(page)

    page.get_by_label("Name", exact=True).fill("Harbour Leaders")
    page.get_by_label("Week of the month").select_option(label="2nd")
    page.get_by_label("Day").select_option(label="Tuesday")
    page.get_by_label("Starts at").fill("09:30")
    page.get_by_label("Ends at").fill("13:30")
    page.get_by_label("First month").fill(f"{first_month:%Y-%m}")  # a month, not a day
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Default venue").select_option(label="The Common Room")
    page.get_by_label("Chair's email address").fill("grace@example.org")
    page.get_by_label("Chair's name").fill("Grace Okafor")
    screenshot(page, "group-form")
    # The first dates are shown before anything is saved.
    page.get_by_role("button", name="Preview the first dates").click()
    preview = page.get_by_role("region", name="The first meetings")
    expect(preview.get_by_role("listitem").first).to_have_text(
        re.compile(rf"^Tuesday {second_tuesdays(first_month, 1)[0].day} {first_month:%B %Y}")
    )
    assert not PeerGroup.objects.filter(name="Harbour Leaders").exists()
    expect(page.get_by_label("First month")).to_have_value(f"{first_month:%Y-%m}")
    assert_no_axe_violations(page)
    screenshot(page, "group-preview")
    mail.outbox.clear()
    page.get_by_role("button", name="Create group and invite chair").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Leaders")
    expect(page.get_by_role("status")).to_contain_text("a year of meetings is in place")
    assert_no_axe_violations(page)
    screenshot(page, "group-created")

    group = PeerGroup.objects.get(name="Harbour Leaders")
    expect(page).to_have_url(f"{live_server.url}/groups/{group.pk}/")
    expect(page.get_by_text("meets the 2nd Tuesday, monthly, 09:30–13:30")).to_be_visible()
    year = page.get_by_role("region", name="The year ahead").get_by_role("listitem")
    expected = [
        f"Tuesday {day.day} {day:%B %Y}, 09:30–13:30" for day in second_tuesdays(first_month, 12)
    ]
    expect(year).to_have_text(expected)
    expect(
        page.get_by_role("region", name="Next meeting").get_by_role("link", name=expected[0])
    ).to_be_visible()
    # The chair is invited and listed as such until they accept.
    expect(page.get_by_text("Grace Okafor (Chair)")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]
    assert re.search(r"/invitations/[\w-]+/", str(mail.outbox[0].body))
