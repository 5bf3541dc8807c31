import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from peerpower.issues import actions
from peerpower.issues import room as live
from peerpower.issues.models import Issue, RoomState
from peerpower.issues.room import RoomAction
from tests import factories
from tests.conftest import ClientFor
from tests.issues.conftest import Session, chair_does, start_room


def queued_issue(s: Session) -> Issue:
    issue = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question="How do I merge?")
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    return issue


def test_the_chair_runs_the_protocol_step_by_step(session: Session) -> None:
    issue = queued_issue(session)
    factories.move_meeting(session.meeting, timezone.now())  # the room opens on the day
    room = chair_does(session, "next_segment")
    assert (room.segment, room.segment_started_at is not None) == (0, True)
    room = chair_does(session, "start_issue", issue_id=issue.pk)
    steps = []
    for _ in range(3):
        room = chair_does(session, "next_step")
        steps.append(room.step)
    assert steps == [1, 2, 3]
    room = chair_does(session, "finish_issue")
    issue.refresh_from_db()
    assert (room.issue_id, issue.status) == (None, "worked")


def test_only_the_chair_drives(session: Session) -> None:
    room = live.room_for(session.meeting)
    with pytest.raises(ValidationError, match="Only the chair"):
        live.room_act(
            meeting=session.meeting,
            by=session.bob,
            action=RoomAction.NEXT_SEGMENT,
            expected_version=room.version,
        )


def test_two_clicks_on_the_same_version_one_wins(session: Session) -> None:
    factories.move_meeting(session.meeting, timezone.now())  # the room opens on the day
    room = live.room_for(session.meeting)
    live.room_act(
        meeting=session.meeting,
        by=session.chair,
        action=RoomAction.NEXT_SEGMENT,
        expected_version=room.version,
    )
    with pytest.raises(ValidationError, match="Someone else moved the room on first"):
        live.room_act(
            meeting=session.meeting,
            by=session.chair,
            action=RoomAction.NEXT_SEGMENT,
            expected_version=room.version,
        )
    room = RoomState.objects.get(meeting=session.meeting)  # nothing was saved before the first
    assert (room.segment, room.version) == (0, 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("builtin_protocols")
def test_two_chairs_clicking_at_once_from_two_connections_one_wins(session: Session) -> None:
    factories.move_meeting(session.meeting, timezone.now())  # the room opens on the day
    room = live.room_for(session.meeting)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def click() -> None:
        barrier.wait()
        try:
            live.room_act(
                meeting=session.meeting,
                by=session.chair,
                action=RoomAction.NEXT_SEGMENT,
                expected_version=room.version,
            )
            results.append("won")
        except ValidationError:
            results.append("lost")
        except Exception as error:
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost", "won"]
    assert RoomState.objects.get(meeting=session.meeting).version == room.version + 1


def test_the_poll_answers_204_when_nothing_changed_and_the_new_state_when_it_did(
    session: Session, client_for: ClientFor
) -> None:
    factories.move_meeting(session.meeting, timezone.now())  # the room opens on the day
    room = live.room_for(session.meeting)
    client = client_for(session.bob)
    url = reverse("issues:room_state", args=[session.meeting.pk])
    unchanged = client.get(url, {"v": room.version})
    assert (unchanged.status_code, unchanged.content) == (204, b"")
    live.room_act(
        meeting=session.meeting,
        by=session.chair,
        action=RoomAction.NEXT_SEGMENT,
        expected_version=room.version,
    )
    changed = client.get(url, {"v": room.version})
    assert changed.status_code == 200
    assert f'?v={room.version + 1}"'.encode() in changed.content
    assert b"Arrival and check-in" in changed.content
    assert client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_the_room_shows_the_step_cue_and_a_countdown(
    session: Session, client_for: ClientFor
) -> None:
    issue = queued_issue(session)
    start_room(session)
    chair_does(session, "start_issue", issue_id=issue.pk)
    chair_does(session, "next_step")
    page = client_for(session.cara).get(reverse("issues:room", args=[session.meeting.pk]))
    assert b"Questions only \xe2\x80\x94 no advice yet" in page.content
    assert b'data-ends-at="' in page.content
    assert b"How do I merge?" in page.content


def test_a_poll_costs_few_queries(
    session: Session, client_for: ClientFor, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    room = live.room_for(session.meeting)
    client = client_for(session.bob)
    url = reverse("issues:room_state", args=[session.meeting.pk])
    client.get(url, {"v": room.version})
    with django_assert_max_num_queries(7):
        client.get(url, {"v": room.version})


def test_an_unchanged_poll_runs_three_queries_the_guest_scope_none(
    session: Session, client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The session, the person and the room's version: nothing for the guest scope
    (guests.middleware), since the poll answers only people with a seat."""
    room = live.room_for(session.meeting)
    client = client_for(session.bob)
    url = reverse("issues:room_state", args=[session.meeting.pk])
    assert client.get(url, {"v": room.version}).status_code == 204
    with django_assert_num_queries(3):
        assert client.get(url, {"v": room.version}).status_code == 204


def test_retention_erases_what_is_due_and_nothing_else(session: Session) -> None:
    from peerpower.issues.models import MonthlyUpdate, Note
    from peerpower.meetings.models import Meeting

    old_meeting = Meeting.objects.filter(
        group=session.world.group, starts_at__lt=timezone.now()
    ).get()
    factories.move_meeting(old_meeting, timezone.now() - timedelta(days=400))
    old = Issue.objects.create(
        group=session.world.group, meeting=old_meeting, presenter=session.alice, question="Old?"
    )
    Note.objects.create(issue=old, text="old note")
    MonthlyUpdate.objects.create(meeting=old_meeting, user=session.alice, work=5, personal=5)
    current = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="Current?"
    )
    actions.update_submit(meeting=session.meeting, user=session.bob, work=6, personal=6)
    assert actions.issues_erase_expired() == 1
    assert list(Issue.objects.values_list("pk", flat=True)) == [current.pk]
    assert not Note.objects.exists()
    assert list(MonthlyUpdate.objects.values_list("meeting_id", flat=True)) == [session.meeting.pk]


def test_retention_follows_the_networks_setting(session: Session) -> None:
    from peerpower.meetings.models import Meeting

    old_meeting = Meeting.objects.filter(
        group=session.world.group, starts_at__lt=timezone.now()
    ).get()
    Issue.objects.create(
        group=session.world.group, meeting=old_meeting, presenter=session.alice, question="Old?"
    )
    assert actions.issues_erase_expired() == 0  # a month old, kept for 12
    session.world.network.issue_retention_months = 1  # the meeting was 35 days ago
    session.world.network.save()
    assert actions.issues_erase_expired() == 1


def test_a_commitment_reminder_says_nothing_of_the_commitment(
    session: Session,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    from django.core import mail

    issue = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="How?")
    actions.commitment_record(
        issue=issue,
        by=session.alice,
        text="SECRET-PLAN",
        due_on=timezone.localdate() + timedelta(days=2),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.commitments_remind_due() == 1
    assert actions.commitments_remind_due() == 0
    [message] = mail.outbox
    assert message.to == [session.alice.email]
    assert "SECRET-PLAN" not in message.body + str(getattr(message, "alternatives", ""))
    assert "is due on" in message.body


def test_a_note_begun_for_one_issue_reaches_its_presenter_after_the_room_moved_on(
    session: Session, client_for: ClientFor
) -> None:
    from peerpower.issues.models import Note

    first = actions.issue_submit(
        meeting=session.meeting, presenter=session.alice, question="First?"
    )
    second = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="Second?"
    )
    actions.queue_fix(meeting=session.meeting, order=[first.pk, second.pk], by=session.chair)
    start_room(session, minutes_ago=1)
    chair_does(session, "set_scribe", scribe_id=session.cara.pk)
    chair_does(session, "start_issue", issue_id=first.pk)
    chair_does(session, "finish_issue")
    chair_does(session, "start_issue", issue_id=second.pk)
    url = reverse("issues:room_note", args=[session.meeting.pk])
    client_for(session.cara).post(url, {"issue": first.pk, "text": "For Alice"})
    client_for(session.cara).post(url, {"text": "For Bob"})
    assert dict(Note.objects.values_list("text", "issue_id")) == {
        "For Alice": first.pk,
        "For Bob": second.pk,
    }


def test_a_note_cannot_be_aimed_at_another_meetings_issue(
    session: Session, client_for: ClientFor
) -> None:
    from peerpower.issues.models import Note
    from peerpower.meetings.models import Meeting

    later = Meeting.objects.filter(
        group=session.world.group, starts_at__gt=session.meeting.starts_at
    ).first()
    assert later is not None
    elsewhere = actions.issue_submit(meeting=later, presenter=session.alice, question="Later?")
    client_for(session.chair).post(
        reverse("issues:room_note", args=[session.meeting.pk]), {"issue": elsewhere.pk, "text": "x"}
    )
    assert not Note.objects.exists()
