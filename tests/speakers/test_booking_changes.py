"""A booking follows what happens to its meeting and its group after it was made: a move that
would put the speaker in two places at once is refused, an answer goes to whoever looks after
the group's bookings now, accepting and agenda edits reach the speaker's calendar with a higher
SEQUENCE, and one rule (`speakers.manage_booking`) decides who books and withdraws."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from icalendar import Calendar

from peerpower.groups.models import Membership
from peerpower.lib.rules import can, registered
from peerpower.meetings import actions as meetings
from peerpower.meetings.models import Meeting
from peerpower.speakers import actions
from peerpower.speakers.rules import MANAGE
from tests import factories
from tests.conftest import ClientFor, World
from tests.speakers.conftest import Talk, make_speaker

Capture = Callable[..., Any]


def other_group_meeting_at(world: World, starts_at: datetime) -> Meeting:
    meeting = Meeting.objects.filter(
        group=world.other_group, starts_at__gt=timezone.now()
    ).order_by("starts_at")[0]
    return factories.move_meeting(meeting, starts_at)


def test_moving_a_meeting_onto_the_speakers_other_booking_is_refused_beside_the_date(
    talk: Talk, client_for: ClientFor
) -> None:
    world = talk.world
    mine = talk.booking.meeting
    # The speaker also speaks to the other group, a week after this meeting.
    other = other_group_meeting_at(world, mine.starts_at + timedelta(days=7))
    actions.booking_create(meeting=other, speaker=talk.speaker, talk_title="Again", by=world.admin)
    with pytest.raises(ValidationError) as error:
        meetings.meeting_move(
            meeting=mine,
            starts_at=other.starts_at + timedelta(hours=1),
            ends_at=other.starts_at + timedelta(hours=3),
            venue=mine.venue,
            online_link=mine.online_link,
            by=world.chair,
        )
    (message,) = error.value.message_dict["date"]
    assert message.startswith(f"{talk.speaker.name} is already booked for {world.other_group.name}")
    assert message.endswith("Choose another time, or withdraw the speaker's booking first.")
    mine.refresh_from_db()
    assert mine.starts_at == talk.booking.meeting.starts_at  # nothing moved
    # Through the page: the message is beside the date field, and what was typed stays.
    local = timezone.localtime(other.starts_at + timedelta(hours=1))
    response = client_for(world.chair).post(
        reverse("meetings:move", args=[mine.pk]),
        {
            "date": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "end_time": (local + timedelta(hours=2)).strftime("%H:%M"),
            "venue": mine.venue_id or "",
            "online_link": mine.online_link,
        },
    )
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert 'id="id_date_error"' in html and "withdraw the speaker" in html
    # A move that keeps clear of the other booking goes through.
    meetings.meeting_move(
        meeting=mine,
        starts_at=mine.starts_at + timedelta(hours=1),
        ends_at=mine.ends_at + timedelta(hours=1),
        venue=mine.venue,
        online_link=mine.online_link,
        by=world.chair,
    )


def test_a_meeting_whose_booking_was_withdrawn_moves_freely(talk: Talk) -> None:
    world = talk.world
    mine = talk.booking.meeting
    other = other_group_meeting_at(world, mine.starts_at + timedelta(days=7))
    actions.booking_create(meeting=other, speaker=talk.speaker, talk_title="Again", by=world.admin)
    actions.booking_withdraw(booking=talk.booking, by=world.chair)
    meetings.meeting_move(
        meeting=mine,
        starts_at=other.starts_at,
        ends_at=other.ends_at,
        venue=mine.venue,
        online_link=mine.online_link,
        by=world.chair,
    )


def test_the_speakers_answer_goes_to_the_chair_now_not_a_former_one(
    talk: Talk, django_capture_on_commit_callbacks: Capture
) -> None:
    world = talk.world
    # The chair who booked steps down; the member takes the chair.
    Membership.objects.filter(group=world.group, user=world.chair).update(role="member")
    Membership.objects.filter(group=world.group, user=world.member).update(role="chair")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_decline(booking=talk.booking, reason="PRIVATE-REASON", by=world.speaker)
    told = [m.to for m in mail.outbox if "PRIVATE-REASON" in m.body]
    assert told == [[world.member.email]]


def test_an_admin_who_booked_still_hears_the_answer(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    speaker = make_speaker(world, world.speaker)
    booking = actions.booking_create(
        meeting=world.next_meeting(), speaker=speaker, talk_title="Boards", by=world.admin
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_accept(booking=booking, by=world.speaker)
    assert [m.to for m in mail.outbox if m.to != [world.speaker.email]] == [[world.admin.email]]


def _sequence(message: mail.EmailMessage) -> int:
    (_, content, _) = message.attachments[0]
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return int(str(event["SEQUENCE"]))


def test_accepting_sends_the_confirmed_entry_with_a_higher_sequence(
    talk: Talk, django_capture_on_commit_callbacks: Capture
) -> None:
    world = talk.world
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = actions.booking_create(
            meeting=Meeting.objects.filter(group=world.group, starts_at__gt=timezone.now())
            .exclude(pk=talk.booking.meeting_id)
            .order_by("starts_at")[0],
            speaker=talk.speaker,
            talk_title="Second talk",
            by=world.chair,
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_accept(booking=booking, by=world.speaker)
    request, confirmed = [m for m in mail.outbox if m.to == [world.speaker.email]]
    assert _sequence(confirmed) > _sequence(request)


@pytest.fixture
def empty_schedule() -> Iterator[None]:
    HUEY.flush()
    yield
    HUEY.flush()


def test_an_agenda_change_reaches_the_confirmed_speaker_with_the_new_running_order(
    talk: Talk, django_capture_on_commit_callbacks: Capture, empty_schedule: None
) -> None:
    """When members get "Agenda times changed", the speaker gets their own update: the new
    running order in the email and the calendar file, SEQUENCE above what they had."""
    world = talk.world
    with django_capture_on_commit_callbacks(execute=True):
        actions.booking_accept(booking=talk.booking, by=world.speaker)
    (confirmed,) = [m for m in mail.outbox if m.to == [world.speaker.email]][-1:]
    meeting = Meeting.objects.get(pk=talk.booking.meeting_id)
    longer_arrival = [
        meetings.AgendaSegment(
            title=i.title, kind=i.kind, minutes=i.minutes + (20 if n == 0 else 0)
        )
        for n, i in enumerate(meeting.agenda_items.order_by("position"))
    ]
    total = sum(s.minutes for s in longer_arrival)
    if total > meeting.duration_minutes:  # keep inside the meeting: shorten the last segment
        last = longer_arrival[-1]
        longer_arrival[-1] = meetings.AgendaSegment(
            title=last.title,
            kind=last.kind,
            minutes=last.minutes - (total - meeting.duration_minutes),
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.agenda_replace(meeting=meeting, segments=longer_arrival, by=world.chair)
    assert mail.outbox == []  # batched, as for members
    at = datetime.now(UTC).replace(tzinfo=None) + meetings.AGENDA_BATCH + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        for task in HUEY.read_schedule(at):
            HUEY.execute(task, timestamp=at)
    (update,) = [m for m in mail.outbox if m.to == [world.speaker.email]]
    assert update.subject.startswith("Running order changed: your talk to Tuesday Leaders")
    assert "has a new running order" in update.body
    assert _sequence(update) > _sequence(confirmed)
    speaker_segment = next(
        i for i in meeting.agenda_items.order_by("position") if i.kind == "speaker"
    )
    (_, content, _) = update.attachments[0]
    description = str(Calendar.from_ical(content).walk("VEVENT")[0]["DESCRIPTION"])
    assert f"{speaker_segment.title} (your talk)" in description
    members = [m for m in mail.outbox if m.subject.startswith("Agenda times changed")]
    assert members  # the members' announcement went too


def test_one_rule_decides_who_manages_bookings_everywhere(
    talk: Talk, client_for: ClientFor
) -> None:
    world = talk.world
    for who, allowed in (
        (world.chair, True),
        (world.admin, True),
        (world.member, False),
        (world.speaker, False),
        (world.other_member, False),
    ):
        assert can(who, "speakers.manage_booking", world.network) is allowed
        assert can(who, "speakers.manage_booking", talk.booking.meeting) is allowed
        assert can(who, "speakers.manage_booking", talk.booking) is allowed
    # A chair of another group manages the network's bookings page but not this booking.
    world.other_group.memberships.filter(user=world.other_member).update(role="chair")
    assert can(world.other_member, "speakers.manage_booking", world.network)
    assert not can(world.other_member, "speakers.manage_booking", talk.booking)
    with pytest.raises(ValidationError, match=MANAGE):
        actions.booking_withdraw(booking=talk.booking, by=world.other_member)
    assert not {"speakers.book", "speakers.withdraw"} & set(registered())
    # The booking page and its button follow the rule.
    url = reverse("speakers:book", args=[talk.speaker.pk])
    assert client_for(world.member).get(url).status_code == 404
    assert client_for(world.chair).get(url).status_code == 200
    profile = client_for(world.chair).get(reverse("speakers:profile", args=[talk.speaker.pk]))
    assert "Book for a meeting" in profile.content.decode()
    profile = client_for(world.member).get(reverse("speakers:profile", args=[talk.speaker.pk]))
    assert "Book for a meeting" not in profile.content.decode()


def test_booking_refuses_through_the_same_rule(world: World) -> None:
    speaker = make_speaker(world, world.speaker)
    with pytest.raises(ValidationError, match=MANAGE):
        book_as(world, speaker, world.member)


def book_as(world: World, speaker: Any, who: Any) -> None:
    actions.booking_create(meeting=world.next_meeting(), speaker=speaker, talk_title="Mine", by=who)
