"""A network admin erases a member at their request: from Their data to the erase page, a wrong
address refused beside the field with what was typed kept, the right one erasing; then the audit
log shows the erasure and a refused attempt to read an issue (axe on every page, desktop and
phone width)."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in

from peerpower.issues.models import Issue


def _check(page: Page) -> None:
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_admin_erases_a_member_and_reads_the_audit_log(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    other = factories.make_group(network, "Thursday Circle", weekday=3)
    member = factories.add_member(group, factories.make_user("Sam Evans")).user
    outsider = factories.add_member(other, factories.make_user("Olu Other")).user
    admin = factories.make_admin(network, "Alex Admin")
    meeting = group.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at")[0]
    group.memberships.update(pledge_accepted_at=timezone.now())
    issue = Issue.objects.create(
        group=group, meeting=meeting, presenter=member, question="Should we merge?"
    )

    # A member of another group tries the issue's address: a 404, and a refusal in the log.
    log_in(page, live_server.url, outsider.email)
    response = page.goto(f"{live_server.url}/issues/{issue.pk}/")
    assert response is not None and response.status == 404
    page.context.clear_cookies()

    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    page.get_by_role("link", name="Their data — Sam Evans").click()
    page.get_by_role("link", name="Erase Sam Evans…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Sam Evans")
    _check(page)
    field = page.get_by_label("Type their email address to confirm")
    field.fill("not.them@example.org")
    page.get_by_role("button", name="Erase Sam Evans").click()
    expect(page.get_by_text("That is not their email address: nothing was erased.")).to_be_visible()
    expect(field).to_have_value("not.them@example.org")
    _check(page)
    field.fill(member.email)
    page.get_by_role("button", name="Erase Sam Evans").click()
    expect(page.get_by_text("Sam Evans is erased.")).to_be_visible()

    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log of Northbridge")
    table = page.get_by_role("table")
    expect(table).to_contain_text("privacy.erase")
    expect(table).to_contain_text("Olu Other")
    expect(table).not_to_contain_text("Should we merge?")
    _check(page)
    page.get_by_role("link", name="Only refused").click()
    expect(table).to_contain_text("issues.read")
    expect(table).not_to_contain_text("privacy.erase")
