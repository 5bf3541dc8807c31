"""A session's calendar files, read back with vobject (independent of icalendar, which
writes them): REQUEST then CANCEL, one UID, a rising SEQUENCE, TZID with VTIMEZONE, and the
wall-clock time kept in the coach's zone across the clocks' change."""

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import vobject  # type: ignore[import-untyped]
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.coaching import actions
from peerpower.coaching.models import Engagement
from tests.coaching.builders import at, day_ahead, ics_of
from tests.coaching.conftest import Coaching


def _read(message: object) -> vobject.base.Component:
    return vobject.readOne(ics_of(message))


def test_request_move_and_cancel_share_a_uid_with_a_rising_sequence(
    coaching: Coaching, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = actions.session_book(
            engagement=coaching.engagement, starts_at=at(day_ahead(6), 10), minutes=60,
            agenda="Board trouble", idempotency_key=uuid.uuid4(), by=coaching.world.member,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        actions.session_reschedule(
            session=session, starts_at=at(day_ahead(7), 11), by=coaching.world.member
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.session_cancel(session=session, by=coaching.world.coach)
    to_member = [m for m in mail.outbox if m.to == [coaching.world.member.email]]
    calendars = [_read(m) for m in to_member]
    assert [c.method.value for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert {c.vevent.uid.value for c in calendars} == {f"{session.uid}@peerpower"}
    assert [int(c.vevent.sequence.value) for c in calendars] == [0, 1, 2]
    moved = calendars[1].vevent
    assert "DTSTART;TZID=Europe/London:" in ics_of(to_member[1])
    assert calendars[1].vtimezone.tzid.value == "Europe/London"
    assert moved.dtstart.value == at(day_ahead(7), 11)
    assert calendars[2].vevent.status.value == "CANCELLED"
    assert all("Board trouble" not in ics_of(m) for m in mail.outbox)


def test_a_session_booked_before_the_change_and_held_after_keeps_its_local_time_in_the_file(
    coaching: Coaching, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    Engagement.objects.filter(pk=coaching.engagement.pk).update(ends_on=date(2027, 12, 31))
    coaching.engagement.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.session_book(
            engagement=coaching.engagement, starts_at=at(date(2027, 4, 6), 9), minutes=60,
            idempotency_key=uuid.uuid4(), by=coaching.world.member,
            now=datetime(2027, 3, 20, 12, tzinfo=UTC),
        )  # fmt: skip
    event = _read(mail.outbox[0]).vevent
    local = event.dtstart.value.astimezone(ZoneInfo("Europe/London"))
    assert (local.hour, local.minute) == (9, 0)
    assert event.dtstart.value.astimezone(UTC).hour == 8
    assert "TZID=Europe/London:20270406T090000" in ics_of(mail.outbox[0])
