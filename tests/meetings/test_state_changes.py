"""A meeting's day decides who may read what was said in it (the joined-later rule), so it is
fixed once the meeting has begun, and once anything confidential exists for it.

The leak test plants a marker in every confidential field of a meeting under way, has the
chair try to move and cancel it, and then walks every page as a member who joined the day
after it: they must see nothing. On the old code the move went through, re-dating the
meeting past the latecomer's joining day, and the walk found every marker.
"""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.groups.models import Membership
from peerpower.issues.models import Issue, MonthlyUpdate, Note
from peerpower.meetings.actions import meeting_cancel, meeting_move
from peerpower.meetings.models import Meeting
from tests import factories, leaks
from tests.conftest import ClientFor, World

FIELDS = ["question", "why_now", "tried", "help_wanted", "note", "check_in"]


def plant(world: World, meeting: Meeting, marker: leaks.Markers) -> Issue:
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    issue = Issue.objects.create(
        group=world.group,
        meeting=meeting,
        presenter=world.member,
        question=marker("question"),
        why_now=marker("why_now"),
        tried=marker("tried"),
        help_wanted=marker("help_wanted"),
        status=Issue.Status.WORKED,
    )
    Note.objects.create(issue=issue, author=world.chair, text=marker("note"))
    issue.notes_shared = True
    issue.save(update_fields=["notes_shared"])
    MonthlyUpdate.objects.create(
        meeting=meeting, user=world.member, work=6, personal=4, comment=marker("check_in")
    )
    return issue


def under_way(world: World, how: str) -> Meeting:
    """The next meeting, begun by the room (the chair started it early) or by the clock."""
    meeting = world.next_meeting()
    if how == "room":
        factories.move_meeting(meeting, timezone.now().replace(microsecond=0) + timedelta(hours=1))
        Meeting.objects.filter(pk=meeting.pk).update(started_at=timezone.now())
        meeting.refresh_from_db()
    else:
        factories.move_meeting(
            meeting, timezone.now().replace(microsecond=0) - timedelta(minutes=30)
        )
    assert meeting.has_started() and not meeting.has_ended()
    return meeting


def move_a_week_later(meeting: Meeting, by: object) -> Meeting:
    start = meeting.starts_at + timedelta(days=7)
    return meeting_move(
        meeting=meeting,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue=meeting.venue,
        online_link="https://meet.example.org/later",
        by=by,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("how", ["room", "clock"])
def test_a_meeting_under_way_cannot_be_moved_or_cancelled(world: World, how: str) -> None:
    meeting = under_way(world, how)
    before = (meeting.starts_at, meeting.status, meeting.sequence)
    for person in (world.chair, world.admin):
        with pytest.raises(ValidationError) as moved:
            move_a_week_later(meeting, person)
        assert moved.value.messages == ["This meeting has started; it can no longer be moved."]
        with pytest.raises(ValidationError) as cancelled:
            meeting_cancel(meeting=meeting, reason="Fire alarm", by=person)
        assert cancelled.value.messages == [
            "This meeting has started; it can no longer be cancelled."
        ]
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.status, meeting.sequence) == before


def test_the_pages_say_so_and_offer_no_move_or_cancel(world: World, client_for: ClientFor) -> None:
    meeting = under_way(world, "room")
    client = client_for(world.chair)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "This meeting is under way." in page
    assert reverse("meetings:move", args=[meeting.pk]) not in page
    assert reverse("meetings:cancel", args=[meeting.pk]) not in page
    start = meeting.starts_at + timedelta(days=7)
    response = client.post(
        reverse("meetings:move", args=[meeting.pk]),
        {
            "date": f"{timezone.localtime(start):%Y-%m-%d}",
            "start_time": "09:30",
            "end_time": "13:30",
            "online_link": "https://meet.example.org/later",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This meeting has started; it can no longer be moved."
    ]
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Fire"})
    assert response.context["form"].non_field_errors() == [
        "This meeting has started; it can no longer be cancelled."
    ]


def test_a_member_who_joins_after_a_meeting_under_way_sees_nothing_of_it(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    marker = leaks.Markers("9c1d")
    meeting = under_way(world, "room")
    issue = plant(world, meeting, marker)
    day = meeting.day
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            move_a_week_later(meeting, world.chair)
        with pytest.raises(ValidationError):
            meeting_cancel(meeting=meeting, reason="Fire alarm", by=world.chair)
    meeting.refresh_from_db()
    assert meeting.day == day and not meeting.is_cancelled
    issue.refresh_from_db()
    assert issue.meeting_id == meeting.pk  # nothing carried to another meeting
    people = leaks.outsiders(world, joined_after=day)
    latecomer = people["member who joined after"]
    assert latecomer is not None
    objects = {
        "meeting": meeting.pk,
        "group": world.group.pk,
        "issue": issue.pk,
        "slug": world.network.slug,
        "membership_id": Membership.objects.get(group=world.group, user=world.member).pk,
        "object_id": str(issue.pk),
        "app_label": "issues",
    }
    assert leaks.walk({"member who joined after": latecomer}, objects, marker) == []
    assert leaks.read_mail(marker) == []
    # The members who were there still read it: the markers are where they belong.
    member_page = leaks.client_of(world.member).get(reverse("issues:detail", args=[issue.pk]))
    assert marker.found_in(member_page.content.decode()) == [
        marker("question"),
        marker("why_now"),
        marker("tried"),
        marker("help_wanted"),
        marker("note"),
    ]


def test_once_issues_are_in_a_meeting_keeps_its_day(world: World) -> None:
    meeting = world.next_meeting()
    Issue.objects.create(
        group=world.group, meeting=meeting, presenter=world.member, question="How do I plan?"
    )
    local = timezone.localtime(meeting.starts_at)
    next_day = local + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        meeting_move(
            meeting=meeting,
            starts_at=next_day,
            ends_at=next_day + timedelta(hours=4),
            venue=meeting.venue,
            online_link="",
            by=world.chair,
        )
    assert refused.value.message_dict == {
        "date": [
            "Issues or check-ins are already in for this meeting, so it stays on "
            f"{local:%A} {local.day} {local:%B %Y}. Choose another time that day, or cancel it "
            "and hold another meeting."
        ]
    }
    # Another time the same day is fine.
    later = datetime.combine(local.date(), local.time(), tzinfo=local.tzinfo) + timedelta(hours=3)
    meeting_move(
        meeting=meeting,
        starts_at=later,
        ends_at=later + timedelta(hours=4),
        venue=meeting.venue,
        online_link="",
        by=world.chair,
    )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.day, meeting.sequence) == (later, local.date(), 1)


def test_a_check_in_alone_fixes_the_day_too(world: World) -> None:
    meeting = world.next_meeting()
    MonthlyUpdate.objects.create(meeting=meeting, user=world.member, work=5, personal=5)
    start = meeting.starts_at + timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        meeting_move(
            meeting=meeting,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            venue=meeting.venue,
            online_link="",
            by=world.chair,
        )
    assert list(refused.value.message_dict) == ["date"]


def test_a_meeting_with_nothing_said_yet_can_move_to_another_day(world: World) -> None:
    meeting = world.next_meeting()
    start = meeting.starts_at + timedelta(days=2)
    meeting_move(
        meeting=meeting,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue=meeting.venue,
        online_link="",
        by=world.chair,
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == start
