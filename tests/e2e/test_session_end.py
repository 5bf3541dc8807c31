"""When the session ends with a live page open, the whole page goes to the log-in (never a
fragment of it inside the page), and back to the page once the person has logged in again."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in

from peerpower.groups.models import Membership
from peerpower.meetings.models import Meeting


def test_the_room_goes_to_the_log_in_when_the_session_ends_and_comes_back(
    page: Page, live_server: LiveServer, builtin_protocols: None
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    Membership.objects.filter(user=member).update(pledge_accepted_at=timezone.now())
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).earliest(
        "starts_at"
    )
    room = f"{live_server.url}{reverse('issues:room', args=[meeting.pk])}"
    log_in(page, live_server.url, member.email)
    page.goto(room)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    page.context.clear_cookies()  # the session ends (as it would by timing out)

    # The next poll sends the whole window to the log-in page, which will return to the room.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=.*room"), timeout=10_000)
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("nav[aria-label=Main]")).to_have_count(1)
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(room)
    assert_no_axe_violations(page)
