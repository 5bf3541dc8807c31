"""A member leaves a group: keeps their own record as a file, erases their issues, and is gone.

Decision of the product-fixes issue: a member who leaves can first download their own issues
and the notes given to them (a single file), and may choose to erase their issues at once.
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.groups.models import Membership
from peerpower.issues.models import Issue, Note
from peerpower.meetings.models import Meeting


def test_member_downloads_their_issues_erases_them_and_leaves(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    maya = factories.add_member(group, factories.make_user("Maya Member"))
    Membership.objects.filter(pk__in=[chair.pk, maya.pk]).update(pledge_accepted_at=timezone.now())
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).first()
    assert meeting is not None
    issue = Issue.objects.create(
        group=group,
        meeting=meeting,
        presenter=maya.user,
        question="How do I hand the board a budget cut?",
        status=Issue.Status.WORKED,
    )
    Note.objects.create(issue=issue, author=chair.user, text="Start with the reserves policy")

    log_in(page, live_server.url, maya.user.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    page.get_by_role("link", name="Leave this group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Tuesday Leaders")
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my issues").click()
    path = download.value.path()
    text = path.read_text(encoding="utf-8")
    assert "How do I hand the board a budget cut?" in text
    assert "Start with the reserves policy" in text

    # Leaving needs the confirmation; the erase choice survives the refusal.
    page.get_by_label("Erase my issues now, with their notes and my commitments").check()
    page.get_by_role("button", name="Leave the group").click()
    expect(page.get_by_text("Tick this to confirm that you are leaving.")).to_be_visible()
    expect(
        page.get_by_label("Erase my issues now, with their notes and my commitments")
    ).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_label("I want to leave this group").check()
    page.get_by_role("button", name="Leave the group").click()

    expect(page.get_by_text("You have left Tuesday Leaders. Your issue is erased.")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "left-the-group")
    assert not Issue.objects.filter(pk=issue.pk).exists()
    maya.refresh_from_db()
    assert maya.status == Membership.Status.LEFT
