"""Suggested conversations, as members would meet them: two members of a group wrote in their
profiles what they can help with and are looking for; each says on the meeting page that they
will come; the page then shows each of them their match with its reason, and the chair the
pair for the networking segment. Every page is checked with axe (and at 360 px)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.e2e.test_rsvp import send_reply
from tests.networking.conftest import make_profile

from peerpower.meetings.models import Meeting


def test_the_meeting_page_shows_a_matched_pair_with_its_reason(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    ana = factories.add_member(group, factories.make_user("Ana Ahmed")).user
    ben = factories.add_member(group, factories.make_user("Ben Brook")).user
    make_profile(ana, network, help_tags=["Digital fundraising"], seek_tags=["Governance"])
    make_profile(ben, network, seek_tags=["Digital fundraising"])
    meeting = (
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    url = f"{live_server.url}/meetings/{meeting.pk}/"

    pages: dict[str, Page] = {}
    for name, user in (("ana", ana), ("ben", ben)):
        page = new_context().new_page()
        log_in(page, live_server.url, user.email)
        page.goto(url)
        page.get_by_role("region", name="Your reply").get_by_label("I'll be there").check()
        send_reply(page, meeting)
        pages[name] = page

    both = "Digital fundraising"
    for name, sentence in (
        ("ana", f"Ben Brook is looking for: {both} — you can help with: {both}"),
        ("ben", f"Ana Ahmed can help with: {both} — you're looking for: {both}"),
    ):
        page = pages[name]
        page.reload()
        suggestions = page.get_by_role("region", name="Conversations to have at the networking")
        expect(suggestions.get_by_role("link", name=sentence)).to_be_visible()
        assert_no_axe_violations(page)
        screenshot(page, f"suggestions-{name}")

    # The chair sees the pair for the networking segment.
    page = new_context().new_page()
    log_in(page, live_server.url, chair.user.email)
    page.goto(url)
    suggestions = page.get_by_role("region", name="Conversations to have at the networking")
    expect(suggestions).to_contain_text(
        "Ana Ahmed can help Ben Brook with: Digital fundraising"
        " — Ben Brook is looking for: Digital fundraising"
    )
    assert_no_axe_violations(page)
    screenshot(page, "suggestions-chair")
