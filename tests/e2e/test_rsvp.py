"""A member replies to the next meeting: apologies need a reason; then they can come after all.

The reply form posts with htmx and swaps only the reply card, so the page never reloads.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.meetings.models import Meeting, Participation


def send_reply(page: Page, meeting: Meeting) -> None:
    """Press "Send reply" and wait for htmx's request and swap to finish."""
    with page.expect_response(
        lambda r: r.url.endswith(f"/meetings/{meeting.pk}/rsvp/") and r.request.method == "POST"
    ) as response:
        page.get_by_role("button", name="Send reply").click()
    assert response.value.request.headers.get("hx-request") == "true"
    page.wait_for_function(
        "() => !document.querySelector('#rsvp .htmx-request, #rsvp.htmx-swapping')"
    )


def test_member_sends_apologies_with_a_reason_then_says_they_will_come(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    meeting = (
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None

    log_in(page, live_server.url, member.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Maya Member")
    page.get_by_role("link", name="reply now").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/#rsvp$"))
    assert_no_axe_violations(page)

    # Mark this page load; a full reload would lose the mark.
    page.evaluate("() => { window.__samePage = true; }")
    reply = page.get_by_role("region", name="Your reply")

    # Apologies without a reason: refused, with the reason next to the field.
    reply.get_by_label("Send apologies").check()
    send_reply(page, meeting)
    reason = reply.get_by_label("Reason for apologies")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Give a short reason with your apologies.")
    expect(reply.get_by_label("Send apologies")).to_be_checked()
    assert_no_axe_violations(page)
    screenshot(page, "rsvp-error")
    assert not Participation.objects.filter(meeting=meeting, user=member).exists()

    reason.fill("I am at a board meeting")
    send_reply(page, meeting)
    expect(reply.get_by_role("status")).to_have_text("Saved.")
    expect(reply).to_contain_text("You replied: apologies (I am at a board meeting).")
    who = page.get_by_role("region", name="Who is coming")
    expect(who).to_contain_text("0 attending · 1 sent apologies")
    expect(who.get_by_role("listitem").filter(has_text="Maya Member")).to_contain_text("apologies")
    expect(reply.get_by_label("Reason for apologies")).not_to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    saved = Participation.objects.get(meeting=meeting, user=member)
    assert (saved.rsvp, saved.apology_reason) == ("apologies", "I am at a board meeting")

    reply.get_by_label("I'll be there").check()
    send_reply(page, meeting)
    expect(reply.get_by_role("status")).to_have_text("Saved.")
    expect(reply).to_contain_text("You replied: attending.")
    expect(who).to_contain_text("1 attending · no apologies")
    expect(who.get_by_role("listitem").filter(has_text="Maya Member")).to_contain_text("attending")
    expect(reply.get_by_label("I'll be there")).to_be_checked()
    assert_no_axe_violations(page)
    saved.refresh_from_db()
    assert (saved.rsvp, saved.apology_reason) == ("attending", "")

    assert page.evaluate("() => window.__samePage === true"), "the page reloaded"
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/#rsvp$"))

    # A fresh load shows the same.
    page.reload()
    expect(who).to_contain_text("1 attending · no apologies")
    expect(reply).to_contain_text("You replied: attending.")
    assert_no_axe_violations(page)
