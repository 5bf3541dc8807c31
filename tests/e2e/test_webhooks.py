"""Webhooks as a network's admin meets them: from the network's menu, add an endpoint (a bad
address first, refused beside the field with what was typed kept), send a test that a real
receiver on loopback gets, see it delivered in the log, then remove the endpoint, asked first.
Every page with axe, at 360 px too."""

import json

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.webhooks.receiver import Receiver
from tests.webhooks.receiver import receiver as receiver  # the fixture

from peerpower.webhooks.models import Endpoint


def test_the_admin_adds_an_endpoint_tests_it_and_removes_it(
    live_server: LiveServer, page: Page, receiver: Receiver
) -> None:
    network = factories.make_network("Northbridge")
    admin = factories.make_admin(network, "Alex Admin")
    base = live_server.url
    log_in(page, base, admin.email)
    page.goto(f"{base}/network/{network.slug}/")
    page.get_by_role("navigation", name="Running Northbridge").get_by_role(
        "link", name="Webhooks"
    ).click()
    expect(page.get_by_text("No endpoints yet")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Address", exact=True).fill("ftp://crm.example.org/hooks")
    page.get_by_label("Description").fill("Our CRM")
    page.get_by_label("meeting.cancelled: A meeting was cancelled").check()
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_text("Give an address that starts with https://.")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Our CRM")
    expect(page.get_by_label("meeting.cancelled: A meeting was cancelled")).to_be_checked()
    assert_no_axe_violations(page)

    page.get_by_label("Address", exact=True).fill(receiver.url)
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_role("heading", name="Our CRM")).to_be_visible()
    page.get_by_role("button", name="Send a test").click()
    expect(page.get_by_text("The test was delivered (the endpoint answered 200).")).to_be_visible()
    expect(page.get_by_role("cell", name="delivered (200)")).to_be_visible()
    assert json.loads(receiver.received[0].body)["event"] == "ping"
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)
    screenshot(page, "webhooks-endpoint-360")

    page.get_by_role("link", name="Remove…").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove the endpoint").click()
    expect(page.get_by_text("No endpoints yet")).to_be_visible()
    assert not Endpoint.objects.exists()
