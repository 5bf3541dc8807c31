"""The speaker's side, as new users would go through it: a chair finds a speaker in the
directory and books them; the speaker logs in, accepts, sees the logistics and uploads slides;
the meeting is held; two members rate it, one anonymously; the rating reaches the directory and
the programme shows the talk as held. Every page reached is checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import NetworkRole
from peerpower.speakers.actions import feedback_release_due, feedback_submit
from peerpower.speakers.models import Booking, FeedbackResponse, Speaker, Topic

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def go(page: Page, name: str) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, f"speakers-{name}")


def rate(page: Page, base: str, email: str, meeting: Meeting, *, named: bool) -> None:
    log_in(page, base, email)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    go(page, "meeting-held")
    page.get_by_role("link", name="Rate the talk").click()
    go(page, "feedback")
    page.get_by_role(
        "group", name="Useful to my organisation (1 = not at all, 5 = very)"
    ).get_by_label("5").check()
    page.get_by_role("group", name="Well delivered (1 = not at all, 5 = very)").get_by_label(
        "4"
    ).check()
    page.get_by_label("Comment").fill("Named: very practical" if named else "Quietly useful")
    page.get_by_label("With my name" if named else "Anonymously").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    go(page, "feedback-sent")


def test_a_chair_books_a_speaker_who_accepts_uploads_and_is_rated(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    venue.access_notes = "Ring the green bell"
    venue.save()
    group = factories.make_group(
        network,
        "Tuesday Leaders",
        venue=venue,
        series_start=timezone.localdate().replace(day=1),
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    maya = factories.add_member(group, factories.make_user("Maya Member")).user
    omar = factories.add_member(group, factories.make_user("Omar Member")).user
    early = factories.add_member(group, factories.make_user("Eve Early")).user
    user = factories.make_user("Sid Speaker")
    NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.SPEAKER)
    fundraising = Topic.objects.create(network=network, name="Fundraising")
    Topic.objects.create(network=network, name="Governance")
    sid = Speaker.objects.create(
        network=network,
        user=user,
        name="Sid Speaker",
        headline="Fundraising without fear",
        talks="Asking for money well",
        email=user.email,
    )
    sid.topics.add(fundraising)
    Speaker.objects.create(network=network, name="Gwen Governance", headline="Boards")
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    base = live_server.url

    # The chair finds the speaker by topic and books them.
    chair_page = new_context(reduced_motion="reduce").new_page()
    log_in(chair_page, base, chair.user.email)
    chair_page.goto(f"{base}/meetings/{meeting.pk}/")
    go(chair_page, "meeting")
    chair_page.get_by_role("link", name="Find a speaker").click()
    go(chair_page, "directory")
    chair_page.get_by_label("Topic").select_option(label="Fundraising")
    chair_page.get_by_role("button", name="Find speakers").click()
    go(chair_page, "directory-filtered")
    results = chair_page.get_by_role("list", name="Speakers")
    expect(results).to_contain_text("Sid Speaker")
    expect(results).not_to_contain_text("Gwen Governance")
    results.get_by_role("link", name="Sid Speaker").click()
    go(chair_page, "profile")
    chair_page.get_by_role("link", name="Book for a meeting").click()
    go(chair_page, "book")
    expect(chair_page.get_by_label("Talk title")).to_have_value("Asking for money well")
    chair_page.get_by_label("Brief").fill("How small charities can ask major donors")
    chair_page.get_by_role("button", name="Ask Sid Speaker").click()
    expect(chair_page.get_by_text("pending", exact=True)).to_be_visible()
    go(chair_page, "booking-pending")
    booking = Booking.objects.get(speaker=sid)
    assert booking.status == Booking.Status.PENDING

    # The speaker logs in, accepts, sees the logistics and uploads slides.
    speaker_page = new_context(reduced_motion="reduce").new_page()
    log_in(speaker_page, base, user.email)
    speaker_page.get_by_role("link", name="My talks").click()
    go(speaker_page, "home")
    expect(speaker_page.get_by_text("waiting for your answer")).to_be_visible()
    speaker_page.get_by_role("link", name="“Asking for money well”").click()
    go(speaker_page, "booking")
    speaker_page.get_by_role("button", name="Accept").click()
    expect(speaker_page.get_by_text("Thank you: your talk is confirmed")).to_be_visible()
    go(speaker_page, "accepted")
    where = speaker_page.get_by_role("region", name="When and where")
    expect(where).to_contain_text("The Common Room")
    expect(where).to_contain_text("Ring the green bell")
    expect(where).to_contain_text("member")
    expect(speaker_page.get_by_role("region", name="Running order")).to_contain_text(
        "Sid Speaker, “Asking for money well”"
    )
    slides = tmp_path / "fundraising slides.pdf"
    slides.write_bytes(PDF)
    speaker_page.get_by_label("Slides or handout").set_input_files(str(slides))
    speaker_page.get_by_role("button", name="Attach file").click()
    expect(speaker_page.get_by_text("The file is attached.")).to_be_visible()
    expect(speaker_page.get_by_role("link", name="fundraising slides.pdf")).to_be_visible()
    go(speaker_page, "uploaded")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.ACCEPTED

    # The meeting is held; the members came. One rated it before these two.
    start = timezone.now().replace(microsecond=0) - timedelta(days=1, hours=5)
    factories.move_meeting(meeting, start)
    for member in (maya, omar, early):
        Participation.objects.create(meeting=meeting, user=member, attendance="present")
    feedback_submit(booking=Booking.objects.get(pk=booking.pk), scores=[4, 4], by=early)

    maya_page = new_context(reduced_motion="reduce").new_page()
    rate(maya_page, base, maya.email, meeting, named=True)
    omar_page = new_context(reduced_motion="reduce").new_page()
    rate(omar_page, base, omar.email, meeting, named=False)
    # Until the window closes the speaker sees when it does, and no figures.
    speaker_page.goto(f"{base}/bookings/{booking.pk}/")
    go(speaker_page, "feedback-open")
    expect(speaker_page.get_by_role("region", name="Feedback")).to_contain_text(
        "appear here once feedback has closed"
    )
    assert FeedbackResponse.objects.filter(booking=booking).count() == 0
    # The window closes (the periodic task, 15 days on): the answers arrive in one batch.
    assert feedback_release_due(now=timezone.now() + timedelta(days=15)) == 1
    assert FeedbackResponse.objects.filter(booking=booking).count() == 3
    assert FeedbackResponse.objects.filter(booking=booking, author=omar).count() == 0

    # The rating reaches the directory; the programme shows the talk as held.
    chair_page.goto(f"{base}/network/{network.slug}/speakers/")
    go(chair_page, "directory-rated")
    expect(
        chair_page.get_by_role("list", name="Speakers")
        .get_by_role("listitem")
        .filter(has_text="Sid Speaker")
    ).to_contain_text("4.33 out of 5")
    chair_page.goto(f"{base}/groups/{group.pk}/programme/")
    go(chair_page, "programme")
    row = chair_page.get_by_role("row").filter(has_text="Sid Speaker")
    expect(row).to_contain_text("held")
    # The speaker sees the averages and the comments, the anonymous one with no name.
    speaker_page.goto(f"{base}/bookings/{booking.pk}/")
    go(speaker_page, "feedback-summary")
    feedback = speaker_page.get_by_role("region", name="Feedback")
    expect(feedback).to_contain_text("Named: very practical — Maya Member")
    expect(feedback).to_contain_text("Quietly useful")
    expect(feedback).not_to_contain_text("Omar")
