"""Confidentiality, tested with planted markers.

A unique marker goes into every confidential field of group A's issues session. Then every
other kind of person fetches every page they can reach (every URL pattern, the admin as a
superuser, their calendar feed), every email sent is read, and everything logged is captured:
the markers must appear nowhere. Group A's own members must see them where they belong.
"""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.groups.models import Membership
from peerpower.issues import actions
from peerpower.issues.models import Commitment, CommitmentStatus, Issue, MonthlyUpdate
from peerpower.meetings.actions import reminders_send_due as send_due_reminders
from peerpower.meetings.models import Meeting
from tests import factories, leaks
from tests.issues.conftest import Session, chair_does

FIELDS = ["question", "why_now", "tried", "help_wanted", "note", "commitment", "report", "check_in"]
marker = leaks.Markers()
ALL_MARKERS = [marker(f) for f in FIELDS]


def plant(s: Session) -> tuple[Issue, Commitment]:
    issue = actions.issue_submit(
        meeting=s.meeting,
        presenter=s.alice,
        question=marker("question"),
        why_now=marker("why_now"),
        tried=marker("tried"),
        help_wanted=marker("help_wanted"),
    )
    actions.issue_back(issue=issue, user=s.bob)
    chair_does(s, "set_scribe", scribe_id=s.cara.pk)
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    # The meeting begins: the room works the issue.
    factories.move_meeting(s.meeting, timezone.now() - timedelta(minutes=10))
    chair_does(s, "start")
    chair_does(s, "start_issue", issue_id=issue.pk)
    actions.note_add(issue=issue, by=s.cara, text=marker("note"))
    actions.notes_share(issue=issue, by=s.alice, shared=True)  # shared: the widest it can be
    commitment = actions.commitment_record(
        issue=issue,
        by=s.alice,
        text=marker("commitment"),
        due_on=timezone.localdate() + timedelta(days=1),
    )
    actions.commitment_report(
        commitment=commitment,
        by=s.alice,
        status=CommitmentStatus.IN_PROGRESS,
        report=marker("report"),
    )
    actions.update_submit(
        meeting=s.meeting, user=s.alice, work=6, personal=3, comment=marker("check_in")
    )
    return issue, commitment


def objects_of(s: Session, issue: Issue, commitment: Commitment) -> dict[str, object]:
    """What the walk points every URL at: group A's planted objects."""
    return {
        "meeting": s.meeting.pk,
        "group": s.world.group.pk,
        "issue": issue.pk,
        "commitment": commitment.pk,
        "slug": s.world.network.slug,
        "membership_id": Membership.objects.get(group=s.world.group, user=s.alice).pk,
        "object_id": str(issue.pk),
        "app_label": "issues",
    }


@pytest.fixture
def planted(
    session: Session, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> tuple[Session, Issue, Commitment]:
    with django_capture_on_commit_callbacks(execute=True):
        issue, commitment = plant(session)
        # Every kind of email the product sends about this group goes out too.
        actions.commitments_remind_due(today=timezone.localdate())
        later = Meeting.objects.filter(
            group=session.world.group, starts_at__gt=timezone.now()
        ).first()
        assert later is not None
        send_due_reminders(now=later.starts_at - timedelta(hours=20))
        send_due_reminders(now=later.starts_at - timedelta(days=6))
    return session, issue, commitment


def test_nothing_confidential_reaches_anyone_outside_the_group(
    planted: tuple[Session, Issue, Commitment], caplog: pytest.LogCaptureFixture
) -> None:
    s, issue, commitment = planted
    caplog.set_level(logging.DEBUG)
    assert Issue.objects.filter(
        question=marker("question")
    ).exists()  # there is data that could leak
    people = leaks.outsiders(s.world, joined_after=s.meeting.starts_at.date())
    assert leaks.walk(people, objects_of(s, issue, commitment), marker) == []
    assert marker.found_in(caplog.text) == []


def test_no_email_or_calendar_carries_confidential_content(
    planted: tuple[Session, Issue, Commitment],
) -> None:
    s, _, _ = planted
    assert len(mail.outbox) >= 5  # reminders and the commitment reminder went out
    assert leaks.read_mail(marker) == []
    # even the group's own members' feeds
    assert leaks.read_feeds((s.chair, s.alice, s.bob, s.cara), marker) == []


def test_the_groups_members_see_it_where_they_should(
    planted: tuple[Session, Issue, Commitment], client_for: object
) -> None:
    s, issue, _ = planted
    bob = Client()
    bob.force_login(s.bob)
    page = bob.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert {m for m in ALL_MARKERS if m in page} == {
        marker(f) for f in ("question", "why_now", "tried", "help_wanted", "note", "commitment")
    }
    session_page = bob.get(reverse("issues:meeting", args=[s.meeting.pk])).content.decode()
    assert marker("check_in") in session_page and marker("question") in session_page
    room = bob.get(reverse("issues:room", args=[s.meeting.pk])).content.decode()
    assert marker("question") in room
    alice = Client()
    alice.force_login(s.alice)
    mine = alice.get(reverse("issues:commitments")).content.decode()
    assert marker("commitment") in mine and marker("report") in mine


def test_unshared_notes_stay_with_the_presenter(planted: tuple[Session, Issue, Commitment]) -> None:
    s, issue, _ = planted
    actions.notes_share(issue=issue, by=s.alice, shared=False)
    for user, sees in ((s.alice, True), (s.bob, False), (s.chair, False), (s.cara, False)):
        client = Client()
        client.force_login(user)
        page = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
        assert (marker("note") in page) is sees, user


def test_str_of_confidential_rows_names_no_content(
    planted: tuple[Session, Issue, Commitment],
) -> None:
    _, issue, commitment = planted
    rows = [
        issue,
        commitment,
        *issue.notes.all(),
        *MonthlyUpdate.objects.all(),
        *issue.backings.all(),
    ]
    assert marker.found_in(" ".join(str(row) for row in rows)) == []


def test_an_error_report_shows_nothing_a_member_wrote(session: Session) -> None:
    """If an action fails half-way, the traceback (as mailed to ADMINS) hides members' words."""
    import sys

    from django.test import RequestFactory
    from django.views.debug import ExceptionReporter

    request = RequestFactory().post("/", {"question": marker("question")})
    # What @sensitive_post_parameters sets on a request.
    request.sensitive_post_parameters = "__ALL__"  # type: ignore[attr-defined]
    try:
        actions.issue_submit(meeting=None, presenter=session.alice, question=marker("question"))  # type: ignore[arg-type]
    except AttributeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    else:  # pragma: no cover - the call above must fail
        pytest.fail("issue_submit accepted no meeting")
    assert "issue_submit" in report  # the frame is there...
    assert marker.found_in(report) == []  # ...without the words


@pytest.mark.parametrize("viewer_zone", ["Europe/London", "Asia/Tokyo", "America/Los_Angeles"])
def test_the_joined_later_rule_reads_the_same_in_every_time_zone(
    session: Session, client_for: object, viewer_zone: str
) -> None:
    """An evening meeting in London is already the next day in Tokyo; a member who joined the
    day after the meeting must not see it, whatever zone their own profile uses."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from peerpower.meetings.models import Meeting

    london = ZoneInfo("Europe/London")
    meeting = Meeting.objects.filter(group=session.world.group, starts_at__gt=timezone.now()).last()
    assert meeting is not None
    day = meeting.starts_at.astimezone(london).date()
    meeting.starts_at = datetime.combine(day, datetime.min.time().replace(hour=18), tzinfo=london)
    meeting.ends_at = meeting.starts_at + timedelta(hours=3)
    meeting.save()
    issue = actions.issue_submit(
        meeting=meeting, presenter=session.alice, question=marker("question")
    )
    latecomer = factories.add_member(
        session.world.group, factories.make_user("Late", time_zone=viewer_zone)
    ).user
    Membership.objects.filter(user=latecomer).update(
        joined_on=day + timedelta(days=1), pledge_accepted_at=timezone.now()
    )
    client = Client()
    client.force_login(latecomer)
    assert client.get(reverse("issues:detail", args=[issue.pk])).status_code == 404
    assert client.get(reverse("issues:room", args=[meeting.pk])).status_code == 404
    page = client.get(reverse("issues:commitments")).content.decode()
    assert marker.found_in(page) == []
    # ...and one who joined on the meeting's day (in London) is in
    Membership.objects.filter(user=latecomer).update(joined_on=day)
    assert client.get(reverse("issues:detail", args=[issue.pk])).status_code == 200
