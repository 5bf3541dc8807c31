"""The issues session's POST paths through the client, each with what a bad or refused press
says (the room, the queue order, support, sharing notes, withdrawing, reporting back)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from peerpower.issues import actions
from peerpower.issues.models import Backing, Commitment, Issue, RoomState
from tests import factories
from tests.conftest import ClientFor
from tests.issues.conftest import Session, start_room


def bring(s: Session, question: str = "How do I lead through a merger?") -> Issue:
    return actions.issue_submit(meeting=s.meeting, presenter=s.alice, question=question)


def messages_of(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_the_presenter_withdraws_an_issue_and_a_worked_one_stays(
    session: Session, client_for: ClientFor
) -> None:
    client = client_for(session.alice)
    first, second = bring(session), bring(session, "How do I hire?")
    response = client.post(reverse("issues:withdraw", args=[first.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("issues:meeting", args=[session.meeting.pk])
    assert messages_of(response) == ["Your issue is withdrawn."]
    first.refresh_from_db()
    assert first.status == Issue.Status.WITHDRAWN

    actions.queue_fix(meeting=session.meeting, order=[second.pk], by=session.chair)
    start_room(session)
    refused = client.post(reverse("issues:withdraw", args=[second.pk]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("issues:detail", args=[second.pk])
    assert messages_of(refused) == ["The meeting has started; issues can no longer be withdrawn."]
    second.refresh_from_db()
    assert second.status == Issue.Status.QUEUED


def test_the_chair_fixes_the_order_and_a_bad_number_is_refused_with_a_message(
    session: Session, client_for: ClientFor
) -> None:
    first, second = bring(session), bring(session, "How do I hire?")
    client = client_for(session.chair)
    url = reverse("issues:order", args=[session.meeting.pk])
    bad = client.post(url, {f"order_{first.pk}": "first", f"order_{second.pk}": "0"})
    assert bad.status_code == 400
    page = bad.content.decode()
    message = "Give each issue you want to take a whole number; leave the rest empty."
    for issue, typed in ((first, "first"), (second, "0")):
        # what the chair typed stays, and the error stands beside its box
        assert (
            f'value="{typed}" aria-invalid="true" aria-describedby="order-{issue.pk}-error"' in page
        )
        assert f'id="order-{issue.pk}-error">{message}</div>' in page
    assert set(Issue.objects.values_list("status", flat=True)) == {Issue.Status.PROPOSED}
    good = client.post(url, {f"order_{second.pk}": "1", f"order_{first.pk}": ""}, follow=True)
    assert messages_of(good)[0] == (
        "The order is fixed: 1 issue queued. 1 more is carried over to the next meeting."
    )
    second.refresh_from_db()
    assert (second.status, second.position) == (Issue.Status.QUEUED, 0)


def test_a_member_supports_an_issue_and_takes_it_back(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    client = client_for(session.bob)
    url = reverse("issues:back", args=[issue.pk])
    client.post(url, {"back": "1"})
    assert Backing.objects.filter(issue=issue).count() == 1
    refused = client.post(url, {"back": "maybe"}, follow=True)
    assert messages_of(refused) == ["That was not a valid choice."]
    assert Backing.objects.filter(issue=issue).count() == 1
    client.post(url, {"back": "0"})
    assert Backing.objects.filter(issue=issue).count() == 0


def test_the_presenter_shares_notes_and_a_bad_choice_changes_nothing(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    actions.queue_fix(meeting=session.meeting, order=[issue.pk], by=session.chair)
    start_room(session)
    client = client_for(session.alice)
    url = reverse("issues:notes_share", args=[issue.pk])
    refused = client.post(url, {"shared": "perhaps"}, follow=True)
    assert messages_of(refused) == ["That was not a valid choice."]
    client.post(url, {"shared": "1"})
    issue.refresh_from_db()
    assert issue.notes_shared is True
    other = client_for(session.bob).post(url, {"shared": "0"}, follow=True)
    assert messages_of(other) == ["The notes belong to the presenter; only they can share them."]
    issue.refresh_from_db()
    assert issue.notes_shared is True


def test_the_member_reports_back_and_an_empty_line_is_asked_for(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    actions.queue_fix(meeting=session.meeting, order=[issue.pk], by=session.chair)
    start_room(session)
    commitment = actions.commitment_record(
        issue=issue,
        by=session.alice,
        text="Call the board",
        due_on=timezone.localdate() + timedelta(days=9),
    )
    client = client_for(session.alice)
    url = reverse("issues:report", args=[commitment.pk])
    refused = client.post(url, {"status": "done", "report": ""})
    assert refused.status_code == 400
    assert refused.templates[0].name == "issues/commitments.html"
    page = refused.content.decode()
    field = f"report-{commitment.pk}-report"
    assert f'aria-describedby="{field}_error"' in page
    assert f'id="{field}_error">Add a line on what happened.</div>' in page
    assert '<option value="done" selected>' in page  # the choice made stays
    later = session.world.next_meeting()  # where the commitment comes up for report-back
    from_meeting = client.post(url, {"status": "", "report": "Half done", "meeting": later.pk})
    assert from_meeting.status_code == 400
    assert from_meeting.templates[0].name == "issues/meeting_issues.html"
    page = from_meeting.content.decode()
    assert 'value="Half done"' in page
    field = f"report-{commitment.pk}-status"
    assert f'id="{field}_error">Choose where it stands.</div>' in page
    commitment.refresh_from_db()
    assert commitment.reported_at is None
    done = client.post(
        url, {"status": "done", "report": "Done.", "meeting": session.meeting.pk}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("issues:meeting", args=[session.meeting.pk])
    commitment.refresh_from_db()
    assert (commitment.status, commitment.report) == (Commitment.Status.DONE, "Done.")


def test_the_chair_starts_the_room_through_the_page_and_a_stale_press_is_explained(
    session: Session, client_for: ClientFor
) -> None:
    factories.move_meeting(session.meeting, timezone.now() - timedelta(minutes=5))
    client = client_for(session.chair)
    url = reverse("issues:room_act", args=[session.meeting.pk])
    bad = client.post(url, {"action": "fly", "version": "1"}, follow=True)
    assert messages_of(bad) == ["That was not a valid choice."]
    assert not RoomState.objects.exists()
    started = client.post(url, {"action": "start", "version": "1"})
    assert started.status_code == 302
    assert RoomState.objects.get(meeting=session.meeting).version == 2
    stale = client.post(url, {"action": "next_segment", "version": "1"}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 200
    assert "Someone else moved the room on first" in stale.content.decode()


def test_fixing_the_order_says_carried_over_only_when_something_was(
    session: Session, client_for: ClientFor
) -> None:
    issue = bring(session)
    url = reverse("issues:order", args=[session.meeting.pk])
    response = client_for(session.chair).post(url, {f"order_{issue.pk}": "1"}, follow=True)
    assert messages_of(response) == ["The order is fixed: 1 issue queued."]
