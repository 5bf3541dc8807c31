"""Planted markers: what a group says never reaches the speaker who speaks to it (pages,
emails, calendar files), and speakers' contact details never reach members."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
import vobject  # type: ignore[import-untyped]
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerpower.meetings.actions import meeting_cancel
from peerpower.meetings.models import Meeting
from peerpower.speakers import actions
from peerpower.speakers.calendar import speaker_ics
from tests import factories, leaks, urlwalk
from tests.conftest import World
from tests.issues.conftest import Session, pledge
from tests.issues.conftest import session as session  # the fixture, for these tests
from tests.issues.test_leaks import marker, plant
from tests.speakers.conftest import book, make_speaker, pdf

Capture = Callable[..., Any]


def objects_of(world: World, **more: object) -> dict[str, object]:
    return {
        "group": world.group.pk,
        "slug": world.network.slug,
        "membership_id": world.group.memberships.get(user=world.member).pk,
        **more,
    }


def test_nothing_the_group_says_reaches_its_speaker(
    session: Session, django_capture_on_commit_callbacks: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    """The speaker is booked and confirmed for the meeting whose issues session is planted,
    with the members' names and emails too; then they fetch every page, and every email and
    calendar file they were sent is read."""
    world = session.world
    named = factories.add_member(
        world.group,
        factories.make_user(marker("member_name"), email="leakmark-member-7f3a@example.org"),
    ).user
    marker.planted["member_email"] = named.email
    pledge(world, named)
    speaker = make_speaker(world, world.speaker)
    later = Meeting.objects.filter(group=world.group, starts_at__gt=session.meeting.starts_at)[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = actions.booking_accept(
            booking=book(world, speaker, session.meeting), by=world.speaker
        )
        resource = actions.resource_upload(booking=booking, upload=pdf(), by=world.speaker)
        other = book(world, speaker, later, title="Next time")
        meeting_cancel(meeting=later, reason="Venue closed", by=world.chair)
    caplog.set_level(logging.DEBUG)
    issue, commitment = plant(session)
    objects = objects_of(
        world,
        meeting=session.meeting.pk,
        issue=issue.pk,
        commitment=commitment.pk,
        booking=booking.pk,
        speaker=speaker.pk,
        resource=resource.pk,
    )
    assert leaks.walk({"speaker": world.speaker}, objects, marker) == []
    assert marker.found_in(caplog.text) == []
    to_speaker = [m for m in mail.outbox if m.to == [world.speaker.email]]
    assert len(to_speaker) >= 3  # the requests, the confirmation, the cancellation
    found = []
    for message in to_speaker:
        parts = [str(message.subject), str(message.body)]
        parts += [str(c) for c, _ in getattr(message, "alternatives", [])]
        parts += [c.decode() if isinstance(c, bytes) else str(c) for _, c, _ in message.attachments]
        found += marker.found_in("\n".join(parts))
    for b in (booking, other):
        b.refresh_from_db()
        calendar = speaker_ics(b, world.speaker.email).decode()
        vobject.readOne(calendar)
        found += marker.found_in(calendar)
    assert found == []


def test_a_speaker_opening_any_issues_url_of_a_group_they_speak_to_gets_404(
    session: Session,
) -> None:
    world = session.world
    speaker = make_speaker(world, world.speaker)
    booking = actions.booking_accept(
        booking=book(world, speaker, session.meeting), by=world.speaker
    )
    issue, commitment = plant(session)
    objects = objects_of(
        world, meeting=session.meeting.pk, issue=issue.pk, commitment=commitment.pk
    )
    client = Client()
    client.force_login(world.speaker)
    assert client.get(reverse("speakers:booking", args=[booking.pk])).status_code == 200
    got = {}
    for name, pattern in urlwalk.all_patterns():
        if not name.startswith("issues:") or name == "issues:commitments":
            continue
        url = urlwalk.url_for(name, pattern, objects)
        got[name] = (client.get(url).status_code, client.post(url).status_code)
    # By the method each URL takes, a 404; the other method is refused before any lookup.
    wrong = {name: pair for name, pair in got.items() if 404 not in pair or set(pair) - {404, 405}}
    assert got and wrong == {}
    # the meeting's own page and the group's are out of reach too
    assert client.get(reverse("meetings:detail", args=[session.meeting.pk])).status_code == 404
    assert client.get(reverse("groups:detail", args=[world.group.pk])).status_code == 404


def test_speakers_contact_details_never_reach_members(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    markers = leaks.Markers("c0de")
    speaker = make_speaker(world, world.speaker)
    speaker.phone = markers("phone")
    speaker.save()
    contact = make_speaker(world, None)
    contact.email = "leakmark-contact-c0de@example.org"
    contact.phone = markers("contact_phone")
    contact.save()
    markers.planted["contact_email"] = contact.email
    markers.planted["email"] = world.speaker.email
    with django_capture_on_commit_callbacks(execute=True):
        booking = actions.booking_accept(booking=book(world, speaker), by=world.speaker)
    objects = objects_of(world, meeting=booking.meeting_id, booking=booking.pk, speaker=speaker.pk)
    members = {
        "member": world.member,
        "member of another group": world.other_member,
        "former member": world.former_member,
        "coach": world.coach,
    }
    assert leaks.walk(members, objects, markers) == []
    assert leaks.walk(members, {**objects, "speaker": contact.pk}, markers) == []
    members_mail = [
        m for m in mail.outbox if m.to != [world.speaker.email] and m.to != [world.chair.email]
    ]
    assert all(markers.found_in(str(m.body)) == [] for m in members_mail)
    assert leaks.read_feeds([world.member], markers) == []
    # The chair and the admin do see them.
    client = Client()
    client.force_login(world.chair)
    html = client.get(reverse("speakers:profile", args=[contact.pk])).content.decode()
    assert contact.email in html and contact.phone in html
