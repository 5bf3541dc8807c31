"""A member makes an API token under Your settings, sees it once, uses it, finds its last use
in the list and revokes it after a question; a bad expiry is refused next to the field (axe on
every page, desktop and 360 px). The API's reference page loads under the site's strict
Content Security Policy (the context fails on any violation)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations, assert_no_sideways_scroll
from tests.e2e.helpers import log_in


def _check(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)
    assert_no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_member_makes_a_token_sees_it_once_uses_it_and_revokes_it(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    member = factories.add_member(group, factories.make_user("Sam Evans")).user

    log_in(page, live_server.url, member.email)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    _check(page)

    # A day in the past is refused next to the field.
    page.get_by_label("Name").fill("Our CRM")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Works until the end of").fill(yesterday.isoformat())
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("That day has passed")).to_be_visible()
    _check(page)

    page.get_by_label("Name").fill("Our CRM")
    page.get_by_label("Works until the end of").fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    page.get_by_label("read and write").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", name="Your new token “Our CRM”")).to_be_visible()
    raw = page.get_by_role("textbox", name="Token").input_value()
    assert raw.startswith("pp_")
    _check(page)

    response = page.request.get(
        f"{live_server.url}/api/v1/groups", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status == 200
    assert response.json()["items"][0]["name"] == "Tuesday Leaders"

    # Shown once: the list page no longer has it, and says when it was last used.
    page.goto(f"{live_server.url}/settings/api-tokens/")
    assert raw not in page.content()
    row = page.get_by_role("row", name="Our CRM")
    expect(row).to_contain_text("read and write")
    expect(row).not_to_contain_text("never")
    _check(page)

    row.get_by_role("link", name="Revoke Our CRM").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the token “Our CRM”?")
    _check(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("is revoked. It no longer works.")).to_be_visible()
    expect(page.get_by_role("row", name="Our CRM")).to_contain_text("revoked")
    _check(page)

    response = page.request.get(
        f"{live_server.url}/api/v1/groups", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status == 401
