"""The room's own state is the one truth (issue 8 items 2-6, 11, 13 and the decisions).

Started by the chair only on the meeting's day from an hour before; once started, notes are
taken, the queue is closed and only the chair adds issues; ended by the chair; put back only
while nothing is recorded. A worked issue stays with its meeting. Carried-over issues are told
to their presenter. Past and cancelled meetings say so and offer nothing that would be refused.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.groups.models import Membership
from peerpower.issues import actions, room
from peerpower.issues.models import Issue, IssueView, MonthlyUpdate, Note, RoomState
from peerpower.issues.room import Phase
from peerpower.lib.rules import Refused
from peerpower.meetings.actions import meeting_cancel
from peerpower.meetings.models import Meeting
from tests import factories
from tests.conftest import ClientFor
from tests.issues.conftest import Session, chair_does, start_room


def bring(s: Session, question: str = "How do I merge?") -> Issue:
    return actions.issue_submit(meeting=s.meeting, presenter=s.alice, question=question)


def queued(s: Session, question: str = "How do I merge?") -> Issue:
    issue = bring(s, question)
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    issue.refresh_from_db()
    return issue


def later_meeting(s: Session) -> Meeting:
    later = Meeting.objects.filter(group=s.world.group, starts_at__gt=s.meeting.starts_at).first()
    assert later is not None
    return later


# --- starting, ending, putting back ------------------------------------------------------


def test_the_real_room_opens_on_the_meetings_day_from_an_hour_before(session: Session) -> None:
    with pytest.raises(ValidationError, match="The room opens on the day of the meeting"):
        chair_does(session, "start")
    factories.move_meeting(session.meeting, timezone.now() + timedelta(minutes=61))
    with pytest.raises(ValidationError, match="use the practice room"):
        chair_does(session, "start")
    factories.move_meeting(session.meeting, timezone.now() + timedelta(minutes=50))
    room_state = chair_does(session, "start")
    session.meeting.refresh_from_db()
    assert (room_state.segment, session.meeting.started_at is not None) == (0, True)
    assert room.phase_of(session.meeting) == Phase.RUNNING


def test_started_early_the_room_rules_follow_the_chair_not_the_clock(session: Session) -> None:
    issue = queued(session)
    factories.move_meeting(session.meeting, timezone.now() + timedelta(minutes=30))
    chair_does(session, "start")
    chair_does(session, "set_scribe", scribe_id=session.cara.pk)
    chair_does(session, "start_issue", issue_id=issue.pk)
    actions.note_add(issue=issue, by=session.cara, text="Ask the treasurer.")
    assert list(Note.objects.values_list("text", flat=True)) == ["Ask the treasurer."]
    with pytest.raises(ValidationError, match="issues can no longer be added"):
        actions.issue_submit(meeting=session.meeting, presenter=session.bob, question="Late?")
    with pytest.raises(ValidationError, match="issues can no longer be changed"):
        actions.issue_update(
            issue=issue,
            by=session.alice,
            question="Changed?",
            why_now="",
            tried="",
            help_wanted="",
            urgency=2,
        )
    with pytest.raises(ValidationError, match="issues can no longer be withdrawn"):
        actions.issue_withdraw(issue=issue, by=session.alice)
    with pytest.raises(ValidationError, match="issues can no longer be reordered"):
        actions.queue_fix(meeting=session.meeting, order=[issue.pk], by=session.chair)
    added = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="From the room?", by=session.chair
    )
    assert (added.status, added.position) == ("queued", 1)


def test_the_chair_ends_the_meeting_and_notes_close(session: Session) -> None:
    issue = queued(session)
    start_room(session)
    chair_does(session, "start_issue", issue_id=issue.pk)
    chair_does(session, "end")
    session.meeting.refresh_from_db()
    assert session.meeting.ended_at is not None
    assert room.phase_of(session.meeting) == Phase.OVER
    with pytest.raises(ValidationError, match="This meeting is over; notes can no longer be taken"):
        actions.note_add(issue=issue, by=session.chair, text="Late point")
    assert RoomState.objects.get(meeting=session.meeting).issue_id is None


def test_a_started_meeting_goes_back_to_not_started_only_while_nothing_is_recorded(
    session: Session,
) -> None:
    issue = queued(session)
    start_room(session)
    chair_does(session, "reset")
    session.meeting.refresh_from_db()
    assert (session.meeting.started_at, room.phase_of(session.meeting)) == (None, Phase.WAITING)
    chair_does(session, "start")
    chair_does(session, "start_issue", issue_id=issue.pk)
    with pytest.raises(ValidationError, match="cannot go back to not started"):
        chair_does(session, "reset")
    session.meeting.refresh_from_db()
    assert session.meeting.started_at is not None


def test_nothing_moves_before_the_start(session: Session) -> None:
    issue = queued(session)
    for action, kwargs in (("start_issue", {"issue_id": issue.pk}), ("end", {})):
        with pytest.raises(ValidationError, match="Start the meeting first"):
            chair_does(session, action, **kwargs)
    assert not RoomState.objects.exists()


# --- notes in the room -------------------------------------------------------------------


def test_a_refused_note_comes_back_with_its_text(session: Session, client_for: ClientFor) -> None:
    queued(session)
    response = client_for(session.chair).post(
        reverse("issues:room_note", args=[session.meeting.pk]),
        {"text": "A point worth keeping"},
    )
    assert response.status_code == 400
    form = response.context["note_form"]
    assert form.errors["text"] == ["No issue is being worked, so there is nothing to note against."]
    assert "A point worth keeping</textarea>" in response.content.decode()
    assert not Note.objects.exists()


def test_the_scribe_sees_the_notes_taken_for_the_issue_in_hand(
    session: Session, client_for: ClientFor
) -> None:
    issue = queued(session)
    start_room(session)
    chair_does(session, "set_scribe", scribe_id=session.cara.pk)
    chair_does(session, "start_issue", issue_id=issue.pk)
    actions.note_add(issue=issue, by=session.cara, text="NOTED-ALREADY")
    url = reverse("issues:room", args=[session.meeting.pk])
    assert "NOTED-ALREADY" in client_for(session.cara).get(url).content.decode()
    assert "NOTED-ALREADY" in client_for(session.chair).get(url).content.decode()
    assert "NOTED-ALREADY" not in client_for(session.bob).get(url).content.decode()


def test_check_ins_are_shown_in_the_room_during_the_check_in_segment(
    session: Session, client_for: ClientFor
) -> None:
    start_room(session)  # the first segment is "Arrival and check-in"
    actions.update_submit(
        meeting=session.meeting, user=session.bob, work=7, personal=4, comment="CHECKIN-LINE"
    )
    url = reverse("issues:room", args=[session.meeting.pk])
    assert "CHECKIN-LINE" in client_for(session.alice).get(url).content.decode()
    chair_does(session, "next_segment")
    assert "CHECKIN-LINE" not in client_for(session.alice).get(url).content.decode()


# --- the practice room ---------------------------------------------------------------------


def test_the_practice_room_records_nothing(session: Session, client_for: ClientFor) -> None:
    chair = client_for(session.chair)
    url = reverse("issues:practice", args=[session.meeting.pk])
    act = reverse("issues:practice_act", args=[session.meeting.pk])
    page = chair.get(url).content.decode()
    assert "Practice room" in page and "Nothing you do here is recorded" in page
    for version, action, extra in (
        (1, "start", {}),
        (2, "start_issue", {"issue": "1"}),
        (3, "next_step", {}),
        (4, "finish_issue", {}),
    ):
        chair.post(act, {"action": action, "version": version, **extra})
    page = chair.get(url).content.decode()
    assert "No issue is being worked right now." in page
    assert "How do I hand over a role without losing momentum?" in page  # the next sample
    session.meeting.refresh_from_db()
    assert (session.meeting.started_at, RoomState.objects.count(), Issue.objects.count()) == (
        None,
        0,
        0,
    )
    assert client_for(session.bob).get(url).status_code == 404


# --- a worked issue stays with its meeting --------------------------------------------------


def test_a_worked_issue_is_not_withdrawn_or_edited_and_reaches_report_back(
    session: Session, client_for: ClientFor
) -> None:
    issue = queued(session)
    factories.move_meeting(session.meeting, timezone.now() + timedelta(minutes=20))
    chair_does(session, "start")
    chair_does(session, "start_issue", issue_id=issue.pk)
    issue.refresh_from_db()
    actions.commitment_record(
        issue=issue,
        by=session.alice,
        text="COMMIT-LINE",
        due_on=timezone.localdate() + timedelta(days=20),
    )
    with pytest.raises(ValidationError):
        actions.issue_withdraw(issue=issue, by=session.alice)
    page = client_for(session.alice).get(reverse("issues:detail", args=[issue.pk])).content
    assert b">Withdraw<" not in page and b">Edit<" not in page
    assert b"The room has worked on this issue" in page
    later = later_meeting(session)
    report = client_for(session.bob).get(reverse("issues:meeting", args=[later.pk])).content
    assert b"COMMIT-LINE" in report


def test_an_issue_the_room_took_up_or_with_notes_is_never_carried_over(session: Session) -> None:
    taken_up = queued(session, "Taken up?")
    noted = bring(session, "Noted?")
    open_one = bring(session, "Open?")
    Issue.objects.filter(pk=taken_up.pk).update(started_at=timezone.now())
    Note.objects.create(issue=noted, author=session.chair, text="a point")
    moved = actions.issues_carry_over(meeting=session.meeting)
    later = later_meeting(session)
    assert [i.pk for i in moved] == [open_one.pk]
    assert dict(Issue.objects.values_list("question", "meeting_id")) == {
        "Taken up?": session.meeting.pk,
        "Noted?": session.meeting.pk,
        "Open?": later.pk,
    }


# --- carried over: told, and one word for it ----------------------------------------------


@pytest.mark.parametrize("how", ["order", "cancel"])
def test_the_presenter_is_told_where_their_issue_went_and_nothing_of_what_it_says(
    session: Session,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    how: str,
) -> None:
    kept = bring(session, "KEPT-QUESTION?")
    left = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="SECRET-QUESTION?"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "order":
            actions.queue_fix(meeting=session.meeting, order=[kept.pk], by=session.chair)
        else:
            meeting_cancel(meeting=session.meeting, reason="Venue flooded", by=session.chair)
    later = later_meeting(session)
    carried = [m for m in mail.outbox if m.to == [session.bob.email] and "Your issue" in m.subject]
    assert len(carried) == 1
    told_alice = [
        m for m in mail.outbox if m.to == [session.alice.email] and "Your issue" in m.subject
    ]
    assert len(told_alice) == (0 if how == "order" else 1)  # hers was queued, or cancelled too
    message = carried[0]
    subject = str(message.subject)
    body = str(message.body) + str(getattr(message, "alternatives", ""))
    assert "SECRET-QUESTION" not in subject + body
    day = timezone.localtime(later.starts_at)
    assert f"has moved to the meeting on {day.day} {day:%B}" in subject
    assert f"/meetings/{later.pk}/issues/" in body
    left.refresh_from_db()
    assert (left.meeting_id, left.carried_from_id, left.get_status_display()) == (
        later.pk,
        session.meeting.pk,
        "carried over",
    )
    page = client_for(session.bob).get(reverse("issues:meeting", args=[session.meeting.pk]))
    assert "was carried over to" in page.content.decode()


# --- past and cancelled meetings say so --------------------------------------------------


def test_a_cancelled_meeting_says_so_and_offers_nothing(
    session: Session, client_for: ClientFor
) -> None:
    meeting_cancel(meeting=session.meeting, reason="Venue flooded", by=session.chair)
    client = client_for(session.alice)
    page = client.get(reverse("issues:meeting", args=[session.meeting.pk])).content.decode()
    assert "This meeting was cancelled (Venue flooded)." in page
    for offer in (
        "Open the meeting room",
        "Bring an issue",
        "Share with the group",
        "Fix the order",
    ):
        assert offer not in page
    room_page = client_for(session.chair).get(reverse("issues:room", args=[session.meeting.pk]))
    assert "This meeting was cancelled." in room_page.content.decode()
    assert "Start the meeting" not in room_page.content.decode()


def test_a_past_meeting_says_it_is_over_and_offers_no_check_in(
    session: Session, client_for: ClientFor
) -> None:
    past = Meeting.objects.filter(group=session.world.group, starts_at__lt=timezone.now()).get()
    factories.move_meeting(past, timezone.now() - timedelta(days=30))
    client = client_for(session.alice)
    page = client.get(reverse("issues:meeting", args=[past.pk])).content.decode()
    assert "This meeting is over." in page
    assert "Check-ins open two weeks before the meeting and close two weeks after it." in page
    for offer in ("Open the meeting room", "Bring an issue", "Share with the group"):
        assert offer not in page
    room_page = client_for(session.chair).get(reverse("issues:room", args=[past.pk])).content
    assert b"This meeting is over." in room_page and b"has not started yet" not in room_page


def test_a_proposed_issue_offers_no_commitment_and_no_notes_to_share(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    page = client_for(session.alice).get(reverse("issues:detail", args=[issue.pk])).content
    assert b"Record my commitment" not in page and b"Share my notes" not in page
    assert b"You record a commitment when the room has worked this issue." in page


# --- the check-in form ------------------------------------------------------------------


def test_the_check_in_form_shows_your_answer_and_an_update_changes_only_that(
    session: Session, client_for: ClientFor
) -> None:
    client = client_for(session.alice)
    url = reverse("issues:check_in", args=[session.meeting.pk])
    client.post(url, {"work": "7", "personal": "4", "comment": "Tough board"})
    page = client.get(reverse("issues:meeting", args=[session.meeting.pk]))
    form = page.context["update_form"]
    assert (form["work"].value(), form["personal"].value(), form["comment"].value()) == (
        7,
        4,
        "Tough board",
    )
    assert b"Update my check-in" in page.content
    client.post(url, {"work": "8", "personal": "4", "comment": "Tough board"})
    assert list(MonthlyUpdate.objects.values_list("work", "personal", "comment")) == [
        (8, 4, "Tough board")
    ]


# --- the access log: reads, once a day, and who read mine --------------------------------


def test_the_presenter_sees_who_has_read_their_issue(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    alice = client_for(session.alice)
    before = alice.get(reverse("issues:meeting", args=[session.meeting.pk])).content.decode()
    assert "no support yet · not read by anyone else yet" in before  # not "0 backings"
    for _ in range(2):
        client_for(session.bob).get(reverse("issues:detail", args=[issue.pk]))
    assert IssueView.objects.count() == 1
    queue = alice.get(reverse("issues:meeting", args=[session.meeting.pk])).content.decode()
    assert "read by 1 other" in queue
    page = alice.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert "Bob Member · last" in page


# --- paused members ---------------------------------------------------------------------


def test_a_paused_member_sees_the_issues_and_checks_in_but_brings_and_supports_none(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    Membership.objects.filter(group=session.world.group, user=session.bob).update(status="paused")
    client = client_for(session.bob)
    page = client.get(reverse("issues:meeting", args=[session.meeting.pk])).content.decode()
    assert "How do I merge?" in page
    assert "Bring an issue" not in page and "Support this issue" not in page
    assert "While your membership is paused" in page
    actions.update_submit(meeting=session.meeting, user=session.bob, work=5, personal=5)
    with pytest.raises(Refused):
        actions.issue_back(issue=issue, user=session.bob)
    with pytest.raises(Refused):
        actions.issue_submit(meeting=session.meeting, presenter=session.bob, question="Mine?")


# --- the chair's controls: only those that do something --------------------------------------


def controls(page: str) -> set[str]:
    """The room actions the page offers as buttons (each control is a form with its action)."""
    return set(re.findall(r'name="action" value="([a-z_]+)"', page))


MOVES = {"previous_segment", "next_segment", "previous_step", "next_step", "finish_issue"}


@pytest.mark.parametrize("practice", [False, True], ids=["real room", "practice room"])
def test_the_chair_is_offered_only_controls_that_do_something(
    session: Session, client_for: ClientFor, practice: bool
) -> None:
    chair = client_for(session.chair)
    name = "practice" if practice else "room"
    url = reverse(f"issues:{name}", args=[session.meeting.pk])
    act = reverse(f"issues:{name}_act", args=[session.meeting.pk])
    issue = "1" if practice else str(queued(session).pk)
    factories.move_meeting(session.meeting, timezone.now() - timedelta(minutes=5))
    segments = session.meeting.agenda_items.count()
    steps = room.protocol_for(session.meeting).steps.count()
    assert segments >= 3 and steps >= 3

    def press(action: str, **extra: str) -> set[str]:
        version = re.findall(r'data-version="(\d+)"', chair.get(url).content.decode())[0]
        chair.post(act, {"action": action, "version": version, **extra})
        return controls(chair.get(url).content.decode()) & MOVES

    assert controls(chair.get(url).content.decode()) & MOVES == set()  # not started
    assert press("start") == {"next_segment"}  # the first segment: no "Previous"
    for _ in range(segments - 2):
        assert press("next_segment") == {"previous_segment", "next_segment"}
    assert press("next_segment") == {"previous_segment"}  # the last: no "Next segment"
    assert press("start_issue", issue=issue) == {"previous_segment", "next_step"}
    for _ in range(steps - 2):
        assert press("next_step") == {"previous_segment", "previous_step", "next_step"}
    # The last step: "Finish this issue" instead of "Next step".
    assert press("next_step") == {"previous_segment", "previous_step", "finish_issue"}
    assert press("finish_issue") == {"previous_segment"}


def test_a_move_that_would_do_nothing_is_refused(session: Session) -> None:
    """A stale page cannot press what is no longer offered: each says why instead."""
    issue = queued(session)
    start_room(session)
    with pytest.raises(ValidationError, match="This is the first segment"):
        chair_does(session, "previous_segment")
    for _ in range(session.meeting.agenda_items.count() - 1):
        chair_does(session, "next_segment")
    with pytest.raises(ValidationError, match="This is the last segment"):
        chair_does(session, "next_segment")
    chair_does(session, "start_issue", issue_id=issue.pk)
    with pytest.raises(ValidationError, match="first step"):
        chair_does(session, "previous_step")
    for _ in range(room.protocol_for(session.meeting).steps.count() - 1):
        chair_does(session, "next_step")
    with pytest.raises(ValidationError, match="finish the issue instead"):
        chair_does(session, "next_step")
    assert room.room_for(session.meeting).issue_id == issue.pk


def test_the_note_box_is_offered_only_while_an_issue_is_in_hand(session: Session) -> None:
    """A note belongs to one presenter's issue: with none in hand the box is not offered
    (pressing it was refused and left the message under the box)."""
    issue = queued(session)
    start_room(session)
    chair_does(session, "set_scribe", scribe_id=session.cara.pk)

    def can_note() -> bool:
        return room.room_view(meeting=session.meeting, user=session.cara).can_note

    assert not can_note()
    chair_does(session, "start_issue", issue_id=issue.pk)
    assert can_note()
    for _ in range(room.protocol_for(session.meeting).steps.count() - 1):
        chair_does(session, "next_step")
    chair_does(session, "finish_issue")
    assert not can_note()


def test_on_a_phone_the_chair_reaches_the_controls_in_one_tap(
    session: Session, client_for: ClientFor
) -> None:
    """The controls stand below the issue and its notes at phone width (one column)."""
    url = reverse("issues:room", args=[session.meeting.pk])
    link = '<a class="btn btn-sm btn-outline-primary" href="#drive-heading">'
    chair_page = client_for(session.chair).get(url).content.decode()
    assert link in chair_page and 'id="drive-heading"' in chair_page
    assert link not in client_for(session.alice).get(url).content.decode()
