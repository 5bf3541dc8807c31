"""A member finds and downloads everything held about them; a network admin opens a member's
data from the group page and reads that the confidential part is the member's alone (axe on
every page, desktop and phone width)."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in


def test_a_member_downloads_their_data_and_the_admin_sees_the_network_copy(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    member = factories.add_member(group, factories.make_user("Sam Evans")).user
    admin = factories.make_admin(network, "Alex Admin")

    log_in(page, live_server.url, member.email)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Everything Peer Power holds about you"
    )
    expect(page.get_by_role("region", name="Places in groups")).to_contain_text("Tuesday Leaders")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download it as a file (JSON)").click()
    data = json.loads(info.value.path().read_text())
    assert data["sections"]["account"][0]["email"] == member.email
    page.context.clear_cookies()  # the next person logs in on the same browser

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    page.get_by_role("link", name="Their data — Sam Evans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What Northbridge holds about Sam Evans"
    )
    expect(page.get_by_text("Not in this copy:")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)
