"""Calendar files, read back with vobject, a parser independent of the icalendar we write with."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject  # type: ignore[import-untyped]
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.meetings.actions import meeting_cancel, meeting_move
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network
from tests import factories


def parse(content: bytes) -> Any:
    return vobject.readOne(content.decode())


def ics_attachments(message: Any) -> list[bytes]:
    return [
        content.encode() if isinstance(content, str) else content
        for _, content, _ in message.attachments
    ]


Setup = tuple[Network, User, PeerGroup, User]


@pytest.fixture
def setup(db: None) -> Setup:
    network = factories.make_network()
    admin = factories.make_admin(network)
    group = factories.make_group(network, series_start=date(2030, 1, 1), today=date(2029, 12, 1))
    member = factories.add_member(group).user
    return network, admin, group, member


def test_feed_has_january_and_july_meetings_at_0930_local(setup: Setup, client: Client) -> None:
    _, _, _, member = setup
    response = client.get(reverse("meetings:feed", args=[member.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = parse(response.content)
    starts = {e.dtstart.value.date(): e.dtstart.value for e in cal.vevent_list}
    january, july = starts[date(2030, 1, 8)], starts[date(2030, 7, 9)]
    for start in (january, july):
        assert start.time() == time(9, 30)
        assert str(start.tzinfo) in (
            "Europe/London",
            "<tzicalvtz 'Europe/London'>",
        ) or "London" in repr(start.tzinfo)
    assert january.utcoffset() == timedelta(0)
    assert july.utcoffset() == timedelta(hours=1)
    assert "BEGIN:VTIMEZONE" in response.content.decode()
    assert "TZID:Europe/London" in response.content.decode()


def test_feed_needs_the_current_secret(setup: Setup, client: Client) -> None:
    _, _, _, member = setup
    old = member.calendar_token
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404
    client.force_login(member)
    client.post(reverse("calendar_settings"))
    client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    member.refresh_from_db()
    assert client.get(reverse("meetings:feed", args=[member.calendar_token])).status_code == 200


def test_moved_meeting_keeps_uid_with_higher_sequence(
    setup: Setup,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _, admin, group, member = setup
    meeting = Meeting.objects.filter(group=group).first()
    assert meeting is not None
    uid_before = meeting.uid
    mail.outbox.clear()
    start = datetime(2030, 1, 9, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            venue=None,
            online_link="https://meet.example.org/a",
            by=admin,
        )
    [message] = mail.outbox
    assert message.to == [member.email]
    [ics] = ics_attachments(message)
    cal = parse(ics)
    assert cal.method.value == "REQUEST"
    event = cal.vevent
    assert event.uid.value == f"{uid_before}@peerpower"
    assert int(event.sequence.value) == 1
    assert event.dtstart.value.replace(tzinfo=None) == datetime(2030, 1, 9, 10, 0)


def test_cancelled_meeting_goes_out_as_cancel(
    setup: Setup, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _, admin, group, _member = setup
    meeting = Meeting.objects.filter(group=group).first()
    assert meeting is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="Venue flooded", by=admin)
    [message] = mail.outbox
    assert message.subject.startswith("Cancelled:")
    cal = parse(ics_attachments(message)[0])
    assert cal.method.value == "CANCEL"
    assert cal.vevent.status.value == "CANCELLED"
    assert cal.vevent.uid.value == f"{meeting.uid}@peerpower"
    assert int(cal.vevent.sequence.value) == 1


def test_new_member_gets_one_email_with_a_calendar_file_per_meeting(
    setup: Setup,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    network, _admin, group, _ = setup
    from peerpower.accounts.actions import invitation_accept, invitation_create

    chair = factories.add_member(group, role="chair").user  # the chair invites members
    invitation = invitation_create(
        network=network, group=group, role="member", email="new@example.org", by=chair
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(
            invitation=invitation, user=invitation.user, password="a-long-test-password-2"
        )
    # The others are told of the newcomer; the newcomer gets the calendar.
    [message] = [m for m in mail.outbox if m.to == ["new@example.org"]]
    files = ics_attachments(message)
    assert len(files) == Meeting.objects.filter(group=group).count() == 12
    assert all(parse(f).method.value == "REQUEST" for f in files)
