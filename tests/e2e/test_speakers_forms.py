"""Each bureau form, opened, changed, saved and seen: the admin's settings (with a refusal
beside its field, nothing lost) and a contact added and invited; the speaker writes their
profile and declines a request with a reason; a file attached and removed; a chair withdraws a
booking and reads the group's and the network's programmes. Every page is checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in

from peerpower.accounts.models import Invitation
from peerpower.meetings.models import Meeting
from peerpower.networks.models import NetworkRole
from peerpower.speakers.models import Booking, Resource, Speaker, SpeakerSettings


def checked(page: Page) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)


def test_the_admin_keeps_the_bureau_and_adds_and_invites_a_contact(
    live_server: LiveServer, page: Page
) -> None:
    network = factories.make_network("Northbridge")
    admin = factories.make_admin(network, "Alex Admin")
    base = live_server.url
    log_in(page, base, admin.email)
    page.goto(f"{base}/network/{network.slug}/speakers/")
    checked(page)
    page.get_by_role("link", name="Bureau settings").click()
    checked(page)
    page.get_by_label("Topics").fill("Fundraising\nGovernance")
    page.get_by_label("Second question").fill("")
    page.get_by_label("Days to give feedback").fill("10")
    page.get_by_role("button", name="Save settings").click()
    checked(page)
    second = page.get_by_label("Second question")
    expect(second).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Days to give feedback")).to_have_value("10")  # nothing lost
    second.fill("Well delivered")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The bureau's settings are saved.")).to_be_visible()
    checked(page)
    assert SpeakerSettings.objects.get(network=network).feedback_days == 10

    page.goto(f"{base}/network/{network.slug}/speakers/")
    page.get_by_role("link", name="Add a speaker").click()
    checked(page)
    page.get_by_label("Name", exact=True).fill("Cass Contact")
    page.get_by_label("Headline").fill("Boards that work")
    page.get_by_label("Governance").check()
    page.get_by_label("Email").fill("cass@example.org")
    page.get_by_role("button", name="Add speaker").click()
    expect(page.get_by_text("Cass Contact is in the bureau.")).to_be_visible()
    checked(page)
    expect(page.get_by_text("cass@example.org")).to_be_visible()
    page.get_by_role("button", name="Invite to log in").click()
    expect(page.get_by_text("Cass Contact is invited to log in as a speaker.")).to_be_visible()
    checked(page)
    speaker = Speaker.objects.get(name="Cass Contact")
    assert Invitation.objects.filter(user=speaker.user, role="speaker").exists()


def test_a_speaker_writes_their_profile_and_declines_a_request(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    user = factories.make_user("Sid Speaker")
    NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.SPEAKER)
    base = live_server.url
    page = new_context(reduced_motion="reduce").new_page()
    log_in(page, base, user.email)
    page.goto(f"{base}/speaking/")
    checked(page)
    page.get_by_role("button", name="Write my profile for Northbridge").click()
    checked(page)
    page.get_by_label("Headline").fill("Fundraising without fear")
    page.get_by_label("Talks").fill("Asking for money well")
    page.get_by_label("London").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("The profile is saved.")).to_be_visible()
    checked(page)
    expect(page.get_by_text("Fundraising without fear")).to_be_visible()
    expect(page.get_by_text("Asking for money well")).to_be_visible()

    speaker = Speaker.objects.get(user=user)
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    booking = Booking.objects.create(
        meeting=meeting, speaker=speaker, talk_title="Asking for money well", booked_by=chair.user
    )
    page.goto(f"{base}/bookings/{booking.pk}/")
    checked(page)
    page.get_by_label("Reason").fill("Abroad that week")
    page.get_by_label("Other dates that suit you").fill("Any Tuesday in March")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("You declined; the chair is told")).to_be_visible()
    checked(page)
    expect(page.get_by_text("Declined: Abroad that week.")).to_be_visible()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.DECLINED


def test_a_speaker_attaches_a_file_and_removes_it_after_being_asked(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    user = factories.make_user("Sid Speaker")
    NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.SPEAKER)
    speaker = Speaker.objects.create(network=network, user=user, name="Sid Speaker")
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    booking = Booking.objects.create(
        meeting=meeting,
        speaker=speaker,
        talk_title="Asking for money well",
        booked_by=chair.user,
        status=Booking.Status.ACCEPTED,
    )
    base = live_server.url
    page = new_context(reduced_motion="reduce").new_page()
    log_in(page, base, user.email)
    page.goto(f"{base}/bookings/{booking.pk}/")
    checked(page)
    slides = tmp_path / "draft slides.pdf"
    slides.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Slides or handout").set_input_files(str(slides))
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_text("The file is attached.")).to_be_visible()
    checked(page)
    files = page.get_by_role("region", name="Slides and handouts")
    files.get_by_text("Remove", exact=False).first.click()  # opens the question
    expect(files.get_by_text("Remove “draft slides.pdf” from this talk?")).to_be_visible()
    checked(page)  # the open question too, at desktop and 360 px
    files.get_by_role("button", name="Remove the file").click()
    expect(page.get_by_text("“draft slides.pdf” is removed")).to_be_visible()
    checked(page)
    expect(page.get_by_role("link", name="draft slides.pdf")).to_have_count(0)
    assert not Resource.objects.filter(booking=booking).exists()


def test_a_chair_withdraws_a_booking_and_reads_both_programmes(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """The chair opens the group's programme (a held talk, the same speaker asked again within
    the network's period: a repeat), withdraws the next meeting's pending booking from its page
    and sees that meeting need a speaker; then reads who is booked where across the network."""
    network = factories.make_network("Northbridge")
    group = factories.make_group(
        network, "Tuesday Leaders", series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(group, factories.make_user("Helen Chair", mfa=True), role="chair")
    speakers = []
    for name in ("Sid Speaker", "Gwen Governance"):
        user = factories.make_user(name)
        NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.SPEAKER)
        speakers.append(Speaker.objects.create(network=network, user=user, name=name))
    sid, gwen = speakers
    upcoming = list(
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by("starts_at")
    )
    soon, held, again = upcoming[0], upcoming[1], upcoming[2]
    Booking.objects.create(
        meeting=held, speaker=sid, talk_title="Asking for money well", status="accepted"
    )
    factories.move_meeting(held, timezone.now().replace(microsecond=0) - timedelta(days=40))
    Booking.objects.create(meeting=again, speaker=sid, talk_title="Asking again")
    Booking.objects.create(
        meeting=soon, speaker=gwen, talk_title="Boards that work", booked_by=chair.user
    )
    base = live_server.url
    page = new_context(reduced_motion="reduce").new_page()
    log_in(page, base, chair.user.email)
    page.goto(f"{base}/groups/{group.pk}/")
    page.get_by_role("link", name="Speaker programme", exact=True).click()
    checked(page)
    expect(page.get_by_role("row").filter(has_text="Asking for money well")).to_contain_text("held")
    expect(page.get_by_role("row").filter(has_text="Asking again")).to_contain_text(
        "Repeat: Sid Speaker also spoke to this group in"
    )
    soon_row = page.get_by_role("row").filter(has_text="Gwen Governance")
    expect(soon_row).to_contain_text("pending")
    soon_row.get_by_role("link", name="Gwen Governance").click()
    checked(page)
    page.get_by_role("button", name="Withdraw booking").click()
    expect(page.get_by_text("The booking is withdrawn and the speaker is told.")).to_be_visible()
    checked(page)
    expect(page.get_by_text("withdrawn", exact=True)).to_be_visible()
    assert Booking.objects.get(speaker=gwen).status == Booking.Status.WITHDRAWN
    page.goto(f"{base}/groups/{group.pk}/programme/")
    checked(page)
    expect(page.get_by_role("row").filter(has_text="Gwen Governance")).to_have_count(0)
    soon_row = page.locator("tr", has=page.locator(f'a[href="/meetings/{soon.pk}/"]'))
    expect(soon_row).to_contain_text("none")
    expect(soon_row).to_contain_text("needs a speaker")

    page.goto(f"{base}/network/{network.slug}/speakers/")
    page.get_by_role("link", name="Who is booked where").click()
    checked(page)
    sid_card = page.get_by_role("region", name="Sid Speaker")
    expect(sid_card).to_contain_text("Tuesday Leaders")
    expect(sid_card).to_contain_text("“Asking for money well” (held)")
    expect(sid_card).to_contain_text("“Asking again” (pending)")
    expect(page.get_by_role("region", name="Gwen Governance")).to_have_count(0)
