"""A network admin proposes a member; the chair approves; the group sees who approved it."""

from __future__ import annotations

from collections.abc import Callable

from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in

from peerpower.groups.models import Membership


def test_admin_proposes_and_the_chair_approves(
    live_server: LiveServer, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    admin = factories.make_admin(network, "Alex Admin")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user

    # The admin opens the group: there is no "Invite a member", only "Propose a member".
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(page.get_by_role("link", name="Invite a member")).to_have_count(0)
    page.get_by_role("link", name="Propose a member").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Propose a member for Tuesday Leaders"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Name").fill("Priya Patel")
    mail.outbox.clear()
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("status")).to_contain_text("The chair is asked to approve")
    assert_no_axe_violations(page)
    assert [m.to for m in mail.outbox] == [[chair.email]]  # nothing to Priya yet

    # The chair approves from the group page.
    chair_page = new_context().new_page()
    log_in(chair_page, live_server.url, chair.email)
    chair_page.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(
        chair_page.get_by_role("heading", name="Proposed by the network, waiting for the chair")
    ).to_be_visible()
    assert_no_axe_violations(chair_page)
    chair_page.get_by_role("button", name="Approve Priya Patel").click()
    expect(chair_page.get_by_role("status")).to_contain_text("Priya Patel is invited.")
    history = chair_page.get_by_role("region", name="Membership history")
    expect(history).to_contain_text("Priya Patel was invited, proposed by Alex Admin")
    expect(history).to_contain_text("approved by Helen Chair")
    assert_no_axe_violations(chair_page)
    assert Membership.objects.get(user__email="priya@example.org").status == "invited"
    assert [m.to for m in mail.outbox][-1] == ["priya@example.org"]
