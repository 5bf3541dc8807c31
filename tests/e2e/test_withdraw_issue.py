"""A member withdraws their issue: the page asks first and says what will happen, and the
message offers "Undo", which puts it back as it was. Each page checked with axe and at 360 px."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.helpers import log_in, screenshot
from tests.e2e.test_network_setup import checked

from peerpower.groups.models import Membership
from peerpower.issues.actions import issue_submit
from peerpower.issues.models import Issue
from peerpower.meetings.models import Meeting


def test_a_member_withdraws_their_issue_and_undoes_it(live_server: LiveServer, page: Page) -> None:
    group = factories.make_group(factories.make_network("Northbridge"), "Tuesday Leaders")
    factories.add_member(group, factories.make_user("Helen Carter", mfa=True), role="chair")
    member = factories.add_member(group, factories.make_user("Sam Evans")).user
    Membership.objects.filter(group=group).update(pledge_accepted_at=timezone.now())
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    issue = issue_submit(meeting=meeting, presenter=member, question="How do I delegate?")

    log_in(page, live_server.url, member.email)
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    yours = page.get_by_role("region", name="Your issue")
    # One click only opens the question; nothing is withdrawn yet.
    yours.get_by_text("Withdraw", exact=True).click()
    expect(yours).to_contain_text("The group no longer sees it and it leaves the queue.")
    checked(page)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PROPOSED
    yours.get_by_role("button", name="Withdraw my issue").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your issue is withdrawn.")
    checked(page)
    screenshot(page, "issue-withdrawn-undo")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.WITHDRAWN

    status.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text("Your issue is back.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("How do I delegate?")
    checked(page)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PROPOSED
