import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.issues import actions
from peerpower.issues.models import Backing, CommitmentStatus, Issue, IssueView, Note
from peerpower.issues.queries import issues_that_fit, issues_visible_to
from peerpower.issues.room import default_protocol
from peerpower.meetings.models import Meeting
from tests import factories
from tests.conftest import ClientFor
from tests.issues.conftest import Session, chair_does, pledge, start_room


def bring(
    s: Session, who: str = "alice", question: str = "How do I lead through a merger?"
) -> Issue:
    return actions.issue_submit(
        meeting=s.meeting, presenter=getattr(s, who), question=question, urgency=2
    )


def worked(s: Session, issue: Issue) -> None:
    """Queue the issue and start the meeting, so the room can take notes on it."""
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    start_room(s)
    issue.refresh_from_db()


def start_meeting(s: Session) -> None:
    factories.move_meeting(s.meeting, timezone.now() - timedelta(minutes=5))


def test_a_member_brings_an_issue_through_the_page(session: Session, client_for: ClientFor) -> None:
    client = client_for(session.alice)
    response = client.post(
        reverse("issues:submit", args=[session.meeting.pk]),
        {"question": "How do I grow income?", "why_now": "Grant ends", "urgency": "3"},
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert (issue.presenter, issue.urgency, issue.status) == (session.alice, 3, "proposed")
    page = client.get(reverse("issues:meeting", args=[session.meeting.pk]))
    assert b"How do I grow income?" in page.content


def test_a_member_who_has_not_pledged_is_asked_to_first(
    session: Session, client_for: ClientFor
) -> None:
    newcomer = factories.add_member(session.world.group).user
    page = client_for(newcomer).get(reverse("issues:meeting", args=[session.meeting.pk]))
    assert b"Before you see the group" in page.content
    with pytest.raises(ValidationError):
        actions.issue_submit(meeting=session.meeting, presenter=newcomer, question="How?")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("question", "", "This field is required."),
        ("question", "x" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("why_now", "x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_empty_and_oversized_fields_are_refused(
    session: Session, client_for: ClientFor, field: str, value: str, message: str
) -> None:
    data = {"question": "How do I?", "urgency": "2", field: value}
    response = client_for(session.alice).post(
        reverse("issues:submit", args=[session.meeting.pk]), data
    )
    assert response.status_code == 400
    assert response.context["issue_form"].errors[field] == [message]
    assert not Issue.objects.exists()


def test_whitespace_only_question_is_refused_by_the_action(session: Session) -> None:
    with pytest.raises(ValidationError) as error:
        bring(session, question="   ")
    assert "question" in error.value.message_dict


def test_html_in_an_issue_renders_inert(session: Session, client_for: ClientFor) -> None:
    issue = bring(session, question='<script>alert("x")</script><b>bold</b>')
    page = client_for(session.bob).get(reverse("issues:detail", args=[issue.pk]))
    assert b"<script>alert" not in page.content
    assert (
        b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page.content
    )


def test_backing_twice_and_backing_your_own_are_refused(session: Session) -> None:
    issue = bring(session)
    actions.issue_back(issue=issue, user=session.bob)
    with pytest.raises(ValidationError, match=r"You already back this issue\."):
        actions.issue_back(issue=issue, user=session.bob)
    with pytest.raises(ValidationError, match="cannot back your own"):
        actions.issue_back(issue=issue, user=session.alice)
    assert Backing.objects.count() == 1


def test_the_queue_orders_by_urgency_then_backing(session: Session) -> None:
    a = actions.issue_submit(
        meeting=session.meeting, presenter=session.alice, question="A?", urgency=2
    )
    b = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="B?", urgency=2
    )
    c = actions.issue_submit(
        meeting=session.meeting, presenter=session.cara, question="C?", urgency=3
    )
    actions.issue_back(issue=b, user=session.alice)
    from peerpower.issues.queries import queue_for

    assert [i.pk for i in queue_for(session.chair, session.meeting)] == [c.pk, b.pk, a.pk]


def test_fixing_the_order_queues_the_chosen_and_carries_the_rest_over(session: Session) -> None:
    a, b, c = (
        bring(session, "alice", "A?"),
        bring(session, "bob", "B?"),
        bring(session, "cara", "C?"),
    )
    actions.queue_fix(meeting=session.meeting, order=[c.pk, a.pk], by=session.chair)
    for issue in (a, b, c):
        issue.refresh_from_db()
    assert [(c.status, c.position), (a.status, a.position)] == [("queued", 0), ("queued", 1)]
    later = Meeting.objects.filter(
        group=session.world.group, starts_at__gt=session.meeting.starts_at
    ).first()
    assert (b.status, b.meeting_id) == ("parked", later.pk if later else None)


def test_only_the_chair_fixes_the_order(session: Session) -> None:
    issue = bring(session)
    with pytest.raises(ValidationError, match="Only the chair"):
        actions.queue_fix(meeting=session.meeting, order=[issue.pk], by=session.bob)


def test_how_many_issues_fit_the_session(session: Session) -> None:
    protocol = default_protocol()
    assert protocol.total_minutes == 33
    assert issues_that_fit(session.meeting, protocol) == 90 // 33  # the 90-minute issues session


def test_editing_after_the_meeting_has_started_is_refused(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    start_meeting(session)
    response = client_for(session.alice).post(
        reverse("issues:edit", args=[issue.pk]), {"question": "Changed?", "urgency": "1"}
    )
    assert response.context["form"].non_field_errors() == [
        "The meeting has started; issues can no longer be changed."
    ]
    issue.refresh_from_db()
    assert issue.question == "How do I lead through a merger?"


def test_the_chair_adds_an_issue_during_the_meeting_straight_into_the_queue(
    session: Session,
) -> None:
    start_meeting(session)
    issue = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="Late?", by=session.chair
    )
    assert (issue.status, issue.position) == ("queued", 0)


def test_acting_on_another_groups_issue_is_a_404(session: Session, client_for: ClientFor) -> None:
    issue = bring(session)
    other = client_for(session.world.other_member)
    assert other.get(reverse("issues:detail", args=[issue.pk])).status_code == 404
    assert other.post(reverse("issues:back", args=[issue.pk])).status_code == 404
    assert other.post(reverse("issues:withdraw", args=[issue.pk])).status_code == 404
    assert other.get(reverse("issues:room", args=[session.meeting.pk])).status_code == 404


def test_a_member_who_joined_later_cannot_read_earlier_issues(session: Session) -> None:
    issue = bring(session)
    latecomer = factories.add_member(session.world.group).user
    pledge(session.world, latecomer)
    from peerpower.groups.models import Membership

    Membership.objects.filter(user=latecomer).update(
        joined_on=session.meeting.starts_at.date() + timedelta(days=1)
    )
    assert not issues_visible_to(latecomer).filter(pk=issue.pk).exists()
    assert issues_visible_to(session.bob).filter(pk=issue.pk).exists()


def test_every_view_of_an_issue_is_in_the_access_log(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    client_for(session.bob).get(reverse("issues:detail", args=[issue.pk]))
    client_for(session.cara).get(reverse("issues:detail", args=[issue.pk]))
    assert sorted(IssueView.objects.values_list("user__name", flat=True)) == [
        "Bob Member",
        "Cara Member",
    ]
    log = client_for(session.alice).get(reverse("issues:access_log", args=[session.world.group.pk]))
    assert b"Bob Member" in log.content and b"Cara Member" in log.content


def test_notes_belong_to_the_presenter_until_shared(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    worked(session, issue)
    chair_does(session, "set_scribe", scribe_id=session.cara.pk)
    with pytest.raises(ValidationError, match="Only the scribe"):
        actions.note_add(issue=issue, by=session.bob, text="Try a partner.")
    actions.note_add(issue=issue, by=session.cara, text="Talk to the other CEO first.")
    url = reverse("issues:detail", args=[issue.pk])
    assert b"Talk to the other CEO first." in client_for(session.alice).get(url).content
    assert b"Talk to the other CEO first." not in client_for(session.bob).get(url).content
    actions.notes_share(issue=issue, by=session.alice, shared=True)
    assert b"Talk to the other CEO first." in client_for(session.bob).get(url).content


def test_the_presenter_deletes_their_issue_and_its_notes(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    worked(session, issue)
    actions.note_add(issue=issue, by=session.chair, text="A note.")
    assert (
        client_for(session.bob).post(reverse("issues:delete", args=[issue.pk])).status_code == 404
    )
    assert (
        client_for(session.alice).post(reverse("issues:delete", args=[issue.pk])).status_code == 302
    )
    assert not Issue.objects.exists() and not Note.objects.exists()


def test_commitment_is_reported_back_at_the_next_meeting(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    with pytest.raises(ValidationError):
        actions.commitment_record(
            issue=issue, by=session.alice, text="Call them", due_on=timezone.localdate()
        )
    commitment = actions.commitment_record(
        issue=issue,
        by=session.alice,
        text="Call the other CEO",
        due_on=timezone.localdate() + timedelta(days=20),
    )
    later = Meeting.objects.filter(
        group=session.world.group, starts_at__gt=session.meeting.starts_at
    ).first()
    assert later is not None
    page = client_for(session.bob).get(reverse("issues:meeting", args=[later.pk]))
    assert b"Call the other CEO" in page.content
    with pytest.raises(ValidationError, match="Add a line"):
        actions.commitment_report(
            commitment=commitment, by=session.alice, status=CommitmentStatus.DONE, report=" "
        )
    actions.commitment_report(
        commitment=commitment,
        by=session.alice,
        status=CommitmentStatus.DONE,
        report="Met; agreed terms",
    )
    mine = client_for(session.alice).get(reverse("issues:commitments"))
    assert b"Met; agreed terms" in mine.content


@pytest.mark.parametrize(("work", "personal"), [(0, 5), (11, 5), (5, 0)])
def test_check_in_ratings_must_be_one_to_ten(session: Session, work: int, personal: int) -> None:
    with pytest.raises(ValidationError):
        actions.update_submit(
            meeting=session.meeting, user=session.alice, work=work, personal=personal
        )


def test_check_ins_are_seen_by_the_group(session: Session, client_for: ClientFor) -> None:
    actions.update_submit(
        meeting=session.meeting, user=session.alice, work=7, personal=4, comment="Tough board"
    )
    page = client_for(session.bob).get(reverse("issues:meeting", args=[session.meeting.pk]))
    assert b"Tough board" in page.content


def test_a_presenter_can_delete_a_withdrawn_issue(session: Session, client_for: ClientFor) -> None:
    issue = bring(session)
    actions.issue_withdraw(issue=issue, by=session.alice)
    assert client_for(session.bob).get(reverse("issues:detail", args=[issue.pk])).status_code == 404
    assert (
        client_for(session.alice).post(reverse("issues:delete", args=[issue.pk])).status_code == 302
    )
    assert not Issue.objects.exists()


def test_a_member_who_has_left_sees_nothing_not_even_their_own_issue(
    session: Session, client_for: ClientFor
) -> None:
    """Issue 3: not to former members. What they brought stays with the group until retention."""
    from peerpower.groups.models import Membership

    issue = bring(session)
    Membership.objects.filter(user=session.alice).update(
        status="left", left_on=timezone.localdate()
    )
    client = client_for(session.alice)
    assert client.get(reverse("issues:detail", args=[issue.pk])).status_code == 404
    assert client.post(reverse("issues:delete", args=[issue.pk])).status_code == 404
    with pytest.raises(ValidationError):
        actions.issue_update(
            issue=issue,
            by=session.alice,
            question="Changed?",
            why_now="",
            tried="",
            help_wanted="",
            urgency=2,
        )
    assert Issue.objects.filter(pk=issue.pk).exists()


def test_an_issue_added_after_the_order_is_fixed_goes_to_the_end(session: Session) -> None:
    from peerpower.issues.queries import queue_for

    first = bring(session, "alice", "First?")
    actions.queue_fix(meeting=session.meeting, order=[first.pk], by=session.chair)
    late = actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question="Late?", urgency=3
    )
    assert [i.pk for i in queue_for(session.cara, session.meeting)] == [first.pk, late.pk]


def test_the_room_logs_the_issue_it_shows_once_a_day_and_the_queue_page_logs_nothing(
    session: Session, client_for: ClientFor
) -> None:
    """Issue 8 item 13: the list shows only questions, so opening it reads no issue; the room
    showing the issue in hand does, once per person per issue per day."""
    issue = bring(session)
    bob = client_for(session.bob)
    bob.get(reverse("issues:meeting", args=[session.meeting.pk]))
    assert list(IssueView.objects.values_list("issue_id", "user__name")) == []
    actions.queue_fix(meeting=session.meeting, order=[issue.pk], by=session.chair)
    start_room(session)
    chair_does(session, "start_issue", issue_id=issue.pk)
    for _ in range(3):
        bob.get(reverse("issues:room", args=[session.meeting.pk]))
        bob.get(reverse("issues:detail", args=[issue.pk]))
    assert list(IssueView.objects.values_list("issue_id", "user__name", "day")) == [
        (issue.pk, "Bob Member", timezone.localdate())
    ]


def test_the_chair_brings_their_own_issue_during_the_meeting(session: Session) -> None:
    start_meeting(session)
    issue = actions.issue_submit(meeting=session.meeting, presenter=session.chair, question="Mine?")
    assert issue.status == "queued"


def test_a_new_commitment_date_is_reminded_again(session: Session) -> None:
    issue = bring(session)
    due = timezone.localdate() + timedelta(days=1)
    actions.commitment_record(issue=issue, by=session.alice, text="Call", due_on=due)
    assert actions.commitments_remind_due() == 1
    actions.commitment_record(
        issue=issue, by=session.alice, text="Call", due_on=due + timedelta(days=1)
    )
    assert actions.commitments_remind_due() == 1


def test_no_commitment_reminder_once_the_member_has_left(session: Session) -> None:
    from peerpower.groups.models import Membership

    issue = bring(session)
    actions.commitment_record(
        issue=issue, by=session.alice, text="Call", due_on=timezone.localdate() + timedelta(days=1)
    )
    Membership.objects.filter(user=session.alice).update(
        status="left", left_on=timezone.localdate()
    )
    assert actions.commitments_remind_due() == 0


def test_a_commitment_without_a_date_is_refused_next_to_the_field(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    response = client_for(session.alice).post(
        reverse("issues:commitment", args=[issue.pk]), {"text": "Call them", "due_on": ""}
    )
    assert response.status_code == 400
    assert response.context["commitment_form"].errors["due_on"] == ["This field is required."]
    past = client_for(session.alice).post(
        reverse("issues:commitment", args=[issue.pk]), {"text": "Call them", "due_on": "2020-01-01"}
    )
    assert past.context["commitment_form"].errors["due_on"] == ["Choose a date after today."]


def test_the_access_log_is_paged_and_keeps_every_row(
    session: Session, client_for: ClientFor
) -> None:
    # 60 readers of 2 issues: 120 rows over three pages of 50.
    issues = [bring(session), bring(session)]
    readers = [
        factories.add_member(session.world.group, factories.make_user(f"Reader {n:02d}")).user
        for n in range(60)
    ]
    IssueView.objects.bulk_create(
        IssueView(issue=issue, user=reader) for issue in issues for reader in readers
    )
    client = client_for(session.alice)
    url = reverse("issues:access_log", args=[session.world.group.pk])
    seen: list[str] = []
    for number in (1, 2, 3):
        page = client.get(url, {"page": number}).content.decode()
        seen += re.findall(r"<td>(Reader \d\d)</td>", page)
    assert len(seen) == 120
    assert sorted(set(seen)) == sorted(r.name for r in readers)
    assert "Page 3 of 3" in page
