"""Error pages in a real browser: the site's layout, a plain explanation and a way home, the
same for a private page as for a missing one (issue 8, item 8). Checked with axe and at 360 px."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in


def test_a_missing_and_a_private_page_look_the_same_and_lead_home(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    mine = factories.make_group(network, "Tuesday Leaders")
    other = factories.make_group(network, "Thursday Circle")
    member = factories.add_member(mine, factories.make_user("Sam Evans")).user
    log_in(page, live_server.url, member.email)
    seen = []
    for path in (f"/groups/{other.pk}/", "/groups/999999/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        assert "Thursday Circle" not in page.content()
        assert_no_axe_violations(page)
        seen.append(page.locator("main").inner_text())
    assert seen[0] == seen[1]  # nothing tells a private group from a missing one
    page.get_by_role("main").get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}/")
