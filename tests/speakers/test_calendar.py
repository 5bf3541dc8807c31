"""The speaker's calendar files, read back with vobject (independent of the icalendar we write
with): the invitation, an update when the meeting moves, a CANCEL when it is cancelled or the
booking withdrawn. One UID throughout, SEQUENCE rising, times right in January and July."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject  # type: ignore[import-untyped]
from django.core import mail

from peerpower.meetings.actions import meeting_cancel, meeting_move
from peerpower.meetings.models import Meeting
from peerpower.networks.models import NetworkRole
from peerpower.speakers import actions
from peerpower.speakers.calendar import speaker_ics
from peerpower.speakers.models import Booking, Speaker
from tests import factories

Capture = Callable[..., Any]


def speaker_files(email: str) -> list[Any]:
    """Each calendar file emailed to `email` so far, parsed, oldest first."""
    found = []
    for message in mail.outbox:
        if message.to != [email]:
            continue
        for _, content, mimetype in message.attachments:
            if mimetype.startswith("text/calendar"):
                raw = content.decode() if isinstance(content, bytes) else content
                found.append(vobject.readOne(raw))
    return found


@pytest.fixture
def booked(db: None, django_capture_on_commit_callbacks: Capture) -> tuple[Booking, Any]:
    """A group meeting at 09:30 London from 2030; its chair asks a speaker for January's."""
    network = factories.make_network()
    group = factories.make_group(network, series_start=date(2030, 1, 1), today=date(2029, 12, 1))
    chair = factories.add_member(group, role="chair").user
    user = factories.make_user("Sam Speaker", time_zone="America/New_York")
    NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.SPEAKER)
    speaker = Speaker.objects.create(network=network, user=user, name="Sam Speaker")
    january = Meeting.objects.get(group=group, slot=date(2030, 1, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = actions.booking_create(
            meeting=january, speaker=speaker, talk_title="Boards that work", by=chair
        )
    return booking, chair


def test_invitation_update_and_cancel_keep_the_uid_and_raise_the_sequence(
    booked: tuple[Booking, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    booking, chair = booked
    email = booking.speaker.user.email  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_accept(booking=booking, by=booking.speaker.user)  # type: ignore[arg-type]
    meeting = Meeting.objects.get(pk=booking.meeting_id)
    zone = ZoneInfo("Europe/London")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting,
            starts_at=datetime.combine(date(2030, 1, 15), time(10, 0), tzinfo=zone),
            ends_at=datetime.combine(date(2030, 1, 15), time(14, 0), tzinfo=zone),
            venue=None,
            online_link="https://meet.example.org/boards",
            by=chair,
        )
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="Snow", by=chair)
    files = speaker_files(email)
    methods = [f.method.value for f in files]
    assert methods == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]  # asked, confirmed, moved, off
    uids = {f.vevent.uid.value for f in files}
    assert uids == {f"{booking.uid}@peerpower"}
    sequences = [int(f.vevent.sequence.value) for f in files]
    assert sequences[2] > sequences[1] > sequences[0]  # accepting raises it too
    assert sequences[3] > sequences[2]
    moved = files[2].vevent.dtstart.value
    assert moved.replace(tzinfo=None) == datetime(2030, 1, 15, 10, 0)
    assert moved.utcoffset() == timedelta(0)
    assert "Boards that work" in files[0].vevent.summary.value
    assert "(your talk)" in files[0].vevent.description.value
    assert files[3].vevent.status.value == "CANCELLED"


def test_a_july_talk_is_in_summer_time(
    booked: tuple[Booking, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    booking, chair = booked
    july = Meeting.objects.get(group=booking.meeting.group, slot=date(2030, 7, 1))
    speaker = booking.speaker
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_create(meeting=july, speaker=speaker, talk_title="Summer", by=chair)
    (cal,) = speaker_files(speaker.user.email)  # type: ignore[union-attr]
    start = cal.vevent.dtstart.value
    assert start.replace(tzinfo=None) == datetime(2030, 7, 9, 9, 30)
    assert start.utcoffset() == timedelta(hours=1)
    raw = speaker_ics(booking, "x@example.org").decode()
    assert "DTSTART;TZID=Europe/London:20300108T093000" in raw  # January: the 2nd Tuesday
    january = vobject.readOne(raw).vevent.dtstart.value
    assert january.utcoffset() == timedelta(0)
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n" in raw


def test_a_withdrawn_booking_sends_a_cancel_above_the_invitation(
    booked: tuple[Booking, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    booking, chair = booked
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_withdraw(booking=booking, by=chair)
    request, cancel = speaker_files(booking.speaker.user.email)  # type: ignore[union-attr]
    assert cancel.method.value == "CANCEL"
    assert cancel.vevent.uid.value == request.vevent.uid.value
    assert int(cancel.vevent.sequence.value) > int(request.vevent.sequence.value)


def test_ical_js_reads_the_invitation_confirmation_update_and_cancel(
    booked: tuple[Booking, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    """Mozilla's ical.js (Thunderbird, several web calendars) reads each file the speaker gets
    as vobject does: one UID, SEQUENCE rising at every step, the right instant in January
    (GMT) and, for a July talk, in summer time, with the group's TZID."""
    from tests.meetings.test_calendar_clients import read_with_icaljs, utc

    booking, chair = booked
    user = booking.speaker.user
    assert user is not None
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_accept(booking=booking, by=user)
    meeting = Meeting.objects.get(pk=booking.meeting_id)
    zone = ZoneInfo("Europe/London")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting,
            starts_at=datetime.combine(date(2030, 1, 15), time(10, 0), tzinfo=zone),
            ends_at=datetime.combine(date(2030, 1, 15), time(14, 0), tzinfo=zone),
            venue=None,
            online_link="https://meet.example.org/boards",
            by=chair,
        )
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="Snow", by=chair)
    read = []
    for message in mail.outbox:
        if message.to == [user.email]:
            for _, content, mimetype in message.attachments:
                if mimetype.startswith("text/calendar"):
                    read.append(
                        read_with_icaljs(
                            content if isinstance(content, bytes) else content.encode()
                        )
                    )
    assert [r["method"] for r in read] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    events = [r["events"][0] for r in read]
    assert {e["uid"] for e in events} == {f"{booking.uid}@peerpower"}
    sequences = [e["sequence"] for e in events]
    assert sequences == sorted(set(sequences)), sequences  # strictly rising: asked < confirmed
    assert {e["tzid"] for e in events} == {"Europe/London"}
    assert utc(events[0]["start"]) == datetime(2030, 1, 8, 9, 30, tzinfo=UTC)  # GMT
    assert utc(events[2]["start"]) == datetime(2030, 1, 15, 10, 0, tzinfo=UTC)
    assert events[3]["status"] == "CANCELLED"
    july = Meeting.objects.get(group=meeting.group, slot=date(2030, 7, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_create(meeting=july, speaker=booking.speaker, talk_title="Summer", by=chair)
    ((_, content, _),) = mail.outbox[0].attachments
    (summer,) = read_with_icaljs(content if isinstance(content, bytes) else content.encode())[
        "events"
    ]
    assert utc(summer["start"]) == datetime(2030, 7, 9, 8, 30, tzinfo=UTC)  # 09:30 BST
    assert summer["tzid"] == "Europe/London"
