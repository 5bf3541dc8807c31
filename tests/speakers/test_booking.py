"""Booking a speaker into a meeting's speaker segment: what is refused, with which message,
and what the accepted booking puts into the agenda, the meeting page and members' calendars."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.meetings import actions as meetings
from peerpower.meetings.models import Meeting
from peerpower.speakers import actions
from peerpower.speakers.models import Booking
from peerpower.speakers.queries import live_booking_of
from tests import factories
from tests.conftest import ClientFor, World
from tests.speakers.conftest import Talk, book, hold, make_speaker


def message_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def test_booking_a_cancelled_meeting_is_refused(world: World) -> None:
    speaker = make_speaker(world, world.speaker)
    meeting = world.next_meeting()
    meetings.meeting_cancel(meeting=meeting, reason="Venue closed", by=world.chair)
    with pytest.raises(ValidationError) as error:
        book(world, speaker, meeting)
    assert error.value.message_dict == {"meeting": ["This meeting is cancelled; choose another."]}


def test_booking_a_past_meeting_is_refused(world: World) -> None:
    speaker = make_speaker(world, world.speaker)
    meeting = hold(world.next_meeting())
    with pytest.raises(ValidationError) as error:
        book(world, speaker, meeting)
    assert error.value.message_dict == {
        "meeting": ["This meeting has already begun or taken place."]
    }


def test_double_booking_a_speaker_at_overlapping_times_is_refused(world: World) -> None:
    speaker = make_speaker(world, world.speaker)
    first = world.next_meeting()
    other = Meeting.objects.filter(group=world.other_group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    factories.move_meeting(other, first.starts_at + timedelta(hours=1))
    book(world, speaker, first)
    world.other_group.memberships.filter(user=world.other_member).update(role="chair")
    with pytest.raises(ValidationError) as error:
        actions.booking_create(meeting=other, speaker=speaker, talk_title="Again", by=world.admin)
    assert error.value.message_dict["speaker"][0].startswith(
        f"{speaker.name} is already booked for Tuesday Leaders on "
    )
    assert error.value.message_dict["speaker"][0].endswith("which overlaps this meeting.")


def test_one_speaker_per_segment(talk: Talk) -> None:
    other = make_speaker(talk.world, None, "Second Speaker")
    with pytest.raises(ValidationError) as error:
        book(talk.world, other)
    assert error.value.message_dict == {
        "meeting": ["A speaker is already booked or asked for this meeting."]
    }


def test_a_contact_without_a_log_in_cannot_be_booked_yet(world: World) -> None:
    contact = make_speaker(world, None)
    with pytest.raises(ValidationError) as error:
        book(world, contact)
    assert "has no log-in yet" in error.value.message_dict["speaker"][0]


def test_the_speaker_gets_the_request_with_logistics_in_their_zone(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    world.speaker.time_zone = "America/New_York"
    world.speaker.save()
    speaker = make_speaker(world, world.speaker)
    meeting = world.next_meeting()
    assert meeting.venue is not None
    meeting.venue.access_notes = "Ring the green bell"
    meeting.venue.save()
    meeting.online_link = "https://meet.example.org/tuesday"
    meeting.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = book(world, speaker, meeting)
    (message,) = [m for m in mail.outbox if m.to == [world.speaker.email]]
    local = meeting.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}" in message.body
    assert "(America/New_York)" in message.body
    assert "The Common Room" in message.body
    assert "Getting in: Ring the green bell" in message.body
    assert "Online: https://meet.example.org/tuesday" in message.body
    assert "Tuesday Leaders" in str(message.body)
    assert "Running order:" in message.body and "(your talk)" in message.body
    assert reverse("speakers:booking", args=[with_commit.pk]) in message.body
    assert message.attachments[0][2].startswith("text/calendar; method=REQUEST")


def test_accepting_puts_the_talk_in_the_agenda_page_and_members_calendars(
    talk: Talk, client_for: ClientFor
) -> None:
    world = talk.world
    meeting = talk.booking.meeting
    page = client_for(world.member).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Fundraising without fear" not in page.content.decode()  # pending: not shown
    actions.booking_accept(booking=talk.booking, by=world.speaker)
    page = client_for(world.member).get(reverse("meetings:detail", args=[meeting.pk]))
    html = page.content.decode()
    assert (
        'Expert speaker: <span class="fw-semibold">Sid Speaker</span>, “Fundraising without fear”'
        in html
    )
    assert world.speaker.email not in html  # contact details never reach members
    feed = client_for(None).get(reverse("meetings:feed", args=[world.member.calendar_token]))
    unfolded = feed.content.decode().replace("\r\n ", "")
    assert "Expert speaker: Sid Speaker\\, “Fundraising without fear”" in unfolded


def test_a_decline_carries_its_reason_and_other_dates_to_the_chair(
    talk: Talk, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_decline(
            booking=talk.booking,
            reason="Abroad",
            other_dates="Any Tuesday in May",
            by=talk.world.speaker,
        )
    (message,) = [m for m in mail.outbox if m.to == [talk.world.chair.email]]
    assert "Their reason: Abroad" in message.body
    assert "Dates that suit them: Any Tuesday in May" in message.body
    talk.booking.refresh_from_db()
    assert talk.booking.status == Booking.Status.DECLINED
    assert live_booking_of(talk.booking.meeting) is None  # the segment is free again


def test_the_speaker_answers_from_the_booking_page(talk: Talk, client_for: ClientFor) -> None:
    client = client_for(talk.world.speaker)
    url = reverse("speakers:booking", args=[talk.booking.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Will you give this talk?" in page.content.decode()
    response = client.post(reverse("speakers:accept", args=[talk.booking.pk]))
    assert response.status_code == 302
    talk.booking.refresh_from_db()
    assert talk.booking.status == Booking.Status.ACCEPTED


def test_a_chair_withdraws_and_the_speaker_gets_a_cancel(
    talk: Talk, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_withdraw(booking=talk.booking, by=talk.world.chair)
    (message,) = [m for m in mail.outbox if m.to == [talk.world.speaker.email]]
    assert message.attachments[0][2].startswith("text/calendar; method=CANCEL")
    with pytest.raises(ValidationError) as error:
        actions.booking_withdraw(booking=talk.booking, by=talk.world.chair)
    assert message_of(error) == "This booking is already withdrawn."


def test_reminders_reach_the_confirmed_speaker_too(
    talk: Talk, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from peerpower.meetings.actions import reminders_send_due

    world = talk.world
    meeting = talk.booking.meeting
    actions.booking_accept(booking=talk.booking, by=world.speaker)
    mail.outbox.clear()
    reminders_send_due(now=meeting.starts_at - timedelta(hours=20))
    reminders_send_due(now=meeting.starts_at - timedelta(hours=19))  # nothing twice
    (message,) = [m for m in mail.outbox if m.to == [world.speaker.email]]
    assert message.subject.startswith("Reminder: your talk to Tuesday Leaders")
    assert "(your talk)" in message.body
    assert "meetings/" not in message.body  # no reply links: the speaker is not a member
    assert message.attachments[0][2].startswith("text/calendar; method=REQUEST")
