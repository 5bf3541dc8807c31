"""Decision: agenda edits that change times raise the calendar SEQUENCE and go to members like
any other change, batched so several edits in a few minutes send one email.

Each edit that changes the times schedules `announce_agenda_change` for AGENDA_BATCH later (in
tests Huey keeps scheduled tasks in memory until `run_due` runs them, as a consumer would)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from icalendar import Calendar
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.meetings.actions import (
    AGENDA_BATCH,
    AgendaSegment,
    agenda_change_announce,
    agenda_replace,
    meeting_cancel,
    meeting_move,
)
from peerpower.meetings.models import Meeting
from tests.conftest import World

Capture = DjangoCaptureOnCommitCallbacks


@pytest.fixture(autouse=True)
def empty_schedule() -> Iterator[None]:
    HUEY.flush()
    yield
    HUEY.flush()


def segments(meeting: Meeting, **minutes: int) -> list[AgendaSegment]:
    """The meeting's agenda with some segments' minutes changed (by title's first word)."""
    return [
        AgendaSegment(
            title=item.title,
            kind=item.kind,
            minutes=minutes.get(item.title.split()[0].lower(), item.minutes),
        )
        for item in meeting.agenda_items.all()
    ]


def edit(world: World, meeting: Meeting, capture: Capture, **minutes: int) -> None:
    with capture(execute=True):
        agenda_replace(meeting=meeting, segments=segments(meeting, **minutes), by=world.chair)


def run_due(capture: Capture, after: timedelta = AGENDA_BATCH + timedelta(seconds=1)) -> int:
    """Run every scheduled task due by `after` from now, as the consumer would; how many ran."""
    at = datetime.now(UTC).replace(tzinfo=None) + after
    due = HUEY.read_schedule(at)
    with capture(execute=True):
        for task in due:
            HUEY.execute(task, timestamp=at)
    return len(due)


def changes() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject.startswith("Agenda times changed")]


def sequence_in(message: mail.EmailMessage) -> int:
    (_, content, _) = message.attachments[0]
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return int(str(event["SEQUENCE"]))


def test_several_edits_in_a_few_minutes_send_one_update_with_a_higher_sequence(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = world.next_meeting()
    before = meeting.sequence
    mail.outbox.clear()
    edit(world, meeting, django_capture_on_commit_callbacks, arrival=20)
    edit(world, meeting, django_capture_on_commit_callbacks, expert=50)
    edit(world, meeting, django_capture_on_commit_callbacks, networking=40)
    assert mail.outbox == []  # nothing goes at once
    scheduled = HUEY.scheduled()
    assert len(scheduled) == 3
    assert all(
        task.eta > datetime.now(UTC).replace(tzinfo=None) + AGENDA_BATCH - timedelta(seconds=30)
        for task in scheduled
    )
    assert run_due(django_capture_on_commit_callbacks, after=timedelta(minutes=1)) == 0
    assert run_due(django_capture_on_commit_callbacks) == 3
    sent = changes()
    assert sorted(m.to[0] for m in sent) == sorted([world.chair.email, world.member.email])
    meeting.refresh_from_db()
    assert meeting.sequence == before + 1
    assert {sequence_in(m) for m in sent} == {before + 1}
    body = sent[0].body
    assert "The times in the agenda of Tuesday Leaders' meeting have changed" in body
    assert "09:30–09:50 Arrival and check-in" in body
    assert "09:50–10:40 Expert speaker" in body
    # The calendar file carries the new times too.
    (_, content, _) = sent[0].attachments[0]
    description = str(Calendar.from_ical(content).walk("VEVENT")[0]["DESCRIPTION"])
    assert "09:50 Expert speaker" in description
    # A task run twice (or a second consumer) sends nothing more.
    latest = meeting.agenda_version
    assert agenda_change_announce(meeting_id=meeting.pk, version=latest) is False
    assert len(changes()) == 2


def test_a_rename_or_an_edit_undone_within_the_batch_sends_nothing(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = world.next_meeting()
    before = meeting.sequence
    renamed = segments(meeting)
    renamed[0] = AgendaSegment(title="Coffee and check-in", kind=renamed[0].kind, minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        agenda_replace(meeting=meeting, segments=renamed, by=world.chair)
    assert HUEY.scheduled() == []  # the times did not change
    edit(world, meeting, django_capture_on_commit_callbacks, coffee=20)
    edit(world, meeting, django_capture_on_commit_callbacks, coffee=30)
    mail.outbox.clear()
    assert run_due(django_capture_on_commit_callbacks) == 2
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.sequence == before
    assert meeting.agenda_announced is None


def test_edits_further_apart_than_the_batch_each_send_one(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = world.next_meeting()
    before = meeting.sequence
    mail.outbox.clear()
    edit(world, meeting, django_capture_on_commit_callbacks, arrival=20)
    run_due(django_capture_on_commit_callbacks)
    edit(world, meeting, django_capture_on_commit_callbacks, arrival=25)
    run_due(django_capture_on_commit_callbacks)
    assert len(changes()) == 4  # two members, twice
    meeting.refresh_from_db()
    assert meeting.sequence == before + 2


def test_a_move_that_already_sent_the_agenda_leaves_nothing_to_send(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = world.next_meeting()
    edit(world, meeting, django_capture_on_commit_callbacks, arrival=20)
    meeting.refresh_from_db()
    later = meeting.starts_at + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting,
            starts_at=later,
            ends_at=later + timedelta(hours=4),
            venue=meeting.venue,
            online_link="",
            by=world.chair,
        )
    mail.outbox.clear()
    sequence = Meeting.objects.get(pk=meeting.pk).sequence
    run_due(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Meeting.objects.get(pk=meeting.pk).sequence == sequence


@pytest.mark.parametrize("what", ["started", "cancelled"])
def test_a_meeting_started_or_cancelled_before_the_batch_runs_gets_no_update(
    world: World, django_capture_on_commit_callbacks: Capture, what: str
) -> None:
    meeting = world.next_meeting()
    edit(world, meeting, django_capture_on_commit_callbacks, arrival=20)
    meeting.refresh_from_db()
    if what == "started":  # the room started early
        Meeting.objects.filter(pk=meeting.pk).update(started_at=timezone.now())
    else:
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(meeting=meeting, reason="Venue flooded", by=world.chair)
    sequence = Meeting.objects.get(pk=meeting.pk).sequence
    mail.outbox.clear()
    run_due(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.agenda_announced is None
    assert meeting.sequence == sequence
