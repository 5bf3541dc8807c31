"""Nothing said for a meeting is re-dated: moves, pattern changes and resets leave its day."""

import contextlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.actions import group_update
from peerpower.groups.models import Membership
from peerpower.issues import actions
from peerpower.issues.models import Issue, Note
from peerpower.issues.queries import issues_visible_to, notes_visible_to
from peerpower.meetings import actions as meeting_actions
from peerpower.meetings.models import Meeting
from tests import factories
from tests.conftest import ClientFor
from tests.issues.conftest import Session, chair_does, start_room
from tests.leaks import Markers, client_of


def _worked_issue_with_note(s: Session, marks: Markers) -> Issue:
    issue = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question=marks("question"))
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    start_room(s)
    chair_does(s, "start_issue", issue_id=issue.pk)
    actions.note_add(issue=issue, by=s.chair, text=marks("note"))
    actions.notes_share(issue=issue, by=s.alice, shared=True)
    return issue


def _try_to_move_ten_days_later(s: Session, by: User) -> None:
    """Whether the move is refused (as it should be) or let through, the tests then check that
    someone who joined after the meeting sees nothing of it."""
    later = timezone.now() + timedelta(days=10)
    with contextlib.suppress(ValidationError):
        meeting_actions.meeting_move(
            meeting=s.meeting,
            starts_at=later,
            ends_at=later + timedelta(hours=4),
            venue=s.meeting.venue,
            online_link="",
            by=by,
        )


def _latecomer(s: Session, joined_on: date) -> User:
    late = factories.add_member(s.world.group, factories.make_user("Late Comer")).user
    Membership.objects.filter(user=late, group=s.world.group).update(
        joined_on=joined_on, pledge_accepted_at=timezone.now()
    )
    return late


def test_a_meeting_under_way_is_not_re_dated_for_later_joiners(session: Session) -> None:
    """The room is running, an issue is worked and noted; then the chair (or an admin) moves the
    meeting to next week. Someone who joins in between now reads the issue and the notes."""
    s = session
    marks = Markers("move")
    issue = _worked_issue_with_note(s, marks)
    said_on = s.meeting.day
    _try_to_move_ten_days_later(s, by=s.world.admin)
    s.meeting.refresh_from_db()
    late = _latecomer(s, said_on + timedelta(days=3))  # joined after the meeting was held
    page = client_of(late).get(f"/issues/{issue.pk}/")
    leaked = marks.found_in(page.content.decode())
    assert not issues_visible_to(late).filter(pk=issue.pk).exists(), (
        f"joined {said_on + timedelta(days=3)}, meeting held {said_on}, now dated "
        f"{s.meeting.day}; page {page.status_code} shows {leaked}"
    )
    assert not notes_visible_to(late).exists()


def test_a_meeting_the_room_has_ended_is_not_re_dated(session: Session) -> None:
    """The chair ends the room early (ended_at set, scheduled end still ahead), then moves it."""
    s = session
    marks = Markers("ended")
    issue = _worked_issue_with_note(s, marks)
    chair_does(s, "finish_issue")
    chair_does(s, "end")
    said_on = s.meeting.day
    _try_to_move_ten_days_later(s, by=s.chair)
    late = _latecomer(s, said_on + timedelta(days=3))
    assert not issues_visible_to(late).filter(pk=issue.pk).exists()


def test_a_pattern_change_leaves_a_meeting_whose_room_opened_early_on_its_day(
    session: Session,
) -> None:
    """The chair opens the room up to an hour before the start and work begins; the admin then
    changes the group's pattern. series_generate sees a future meeting not changed by hand
    (starts_at > now) and moves it to the new pattern's day, weeks later."""
    s = session
    marks = Markers("pattern")
    issue = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question=marks("question"))
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    # the meeting starts in 30 minutes (today, where the group meets); the room opens now
    factories.move_meeting(s.meeting, timezone.now() + timedelta(minutes=30))
    Meeting.objects.filter(pk=s.meeting.pk).update(changed_by_hand=False)
    s.meeting.refresh_from_db()
    chair_does(s, "start")
    chair_does(s, "start_issue", issue_id=issue.pk)
    actions.note_add(issue=issue, by=s.chair, text=marks("note"))
    said_on = s.meeting.day
    group = s.world.group
    group.refresh_from_db()
    week = 4 if group.week_of_month != 4 else 1
    group_update(group=group, by=s.world.admin, week_of_month=week)
    s.meeting.refresh_from_db()
    assert s.meeting.day == said_on, f"meeting held {said_on} re-dated to {s.meeting.day}"
    assert Note.objects.filter(issue=issue).exists()


def test_a_room_put_back_to_not_started_keeps_its_day_for_what_was_added(
    session: Session,
) -> None:
    """ "Put back to not started" is allowed while no issue was taken up and no note taken; but
    issues the chair typed in during the room and check-ins given in it are not counted. After
    the reset the meeting has no started_at, so a fix that refuses moving a *started* meeting
    would not catch this: the move re-dates them for a latecomer."""

    s = session
    marks = Markers("reset")
    start_room(s)  # the room is running
    live = actions.issue_submit(  # raised in the room, typed by the chair for Alice
        meeting=s.meeting, presenter=s.alice, question=marks("question"), by=s.chair
    )
    actions.update_submit(
        meeting=s.meeting, user=s.bob, work=3, personal=2, comment=marks("comment")
    )
    with pytest.raises(ValidationError):  # something is recorded: the room cannot go back
        chair_does(s, "reset")
    said_on = s.meeting.day
    _try_to_move_ten_days_later(s, by=s.chair)
    late = _latecomer(s, said_on + timedelta(days=3))
    page = client_of(late).get(f"/meetings/{s.meeting.pk}/issues/").content.decode()
    assert marks.found_in(page) == [], f"latecomer reads {marks.found_in(page)}"
    assert not issues_visible_to(late).filter(pk=live.pk).exists()


def test_the_move_page_refuses_a_running_meeting(session: Session, client_for: ClientFor) -> None:
    """The same hole through the page: the chair's move form accepts a meeting whose room is
    running with notes taken (meetings.views.meeting_move -> actions.meeting_move)."""
    s = session
    marks = Markers("page")
    _worked_issue_with_note(s, marks)
    said_on = s.meeting.day
    new_day = said_on + timedelta(days=14)
    page = client_for(s.chair).post(
        f"/meetings/{s.meeting.pk}/move/",
        {
            "date": new_day.isoformat(),
            "start_time": "09:30",
            "end_time": "13:30",
            "venue": s.meeting.venue_id,
            "online_link": "",
        },
    )
    s.meeting.refresh_from_db()
    assert s.meeting.day == said_on, (
        f"page {page.status_code}: a running meeting re-dated to {s.meeting.day}"
    )
