"""Withdrawing an issue can be undone for a few minutes, from the status message, by the
presenter who withdrew it (lib.undo); after that, or by anyone else, it is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerpower.issues import actions
from peerpower.issues.models import Issue
from peerpower.lib import undo
from peerpower.lib.undo import UNDO_MINUTES, Undo
from peerpower.meetings.models import Meeting
from tests.conftest import ClientFor
from tests.issues.conftest import Session, start_room


def later_meeting_of(s: Session) -> Meeting:
    return Meeting.objects.filter(group=s.world.group, starts_at__gt=s.meeting.starts_at).order_by(
        "starts_at"
    )[0]


def withdraw(client: Client, issue: Issue) -> str:
    response = client.post(reverse("issues:withdraw", args=[issue.pk]), follow=True)
    return response.content.decode()


def undo_button(issue: Issue) -> str:
    return (
        f'<form method="post" action="{reverse("issues:restore", args=[issue.pk])}" '
        'class="ms-auto">'
    )


def age_offers(client: Client, minutes: int) -> None:
    """Make every undo waiting in the client's session `minutes` older."""
    session = client.session
    offers = session[undo.SESSION_KEY]
    for offer in offers.values():
        offer["at"] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session[undo.SESSION_KEY] = offers
    session.save()


def test_the_presenter_undoes_a_withdrawal_from_the_status_message(
    session: Session, client_for: ClientFor
) -> None:
    issue = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="How?")
    client = client_for(session.alice)
    page = withdraw(client, issue)
    assert "Your issue is withdrawn." in page and undo_button(issue) in page
    assert ">Undo</button>" in page
    back = client.post(reverse("issues:restore", args=[issue.pk]), follow=True)
    assert back.redirect_chain[-1][0] == reverse("issues:detail", args=[issue.pk])
    assert "Your issue is back." in back.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.position) == (Issue.Status.PROPOSED, None)
    # The offer is used up: a second press has nothing to undo.
    again = client.post(reverse("issues:restore", args=[issue.pk]), follow=True)
    assert "There is nothing to undo here." in again.content.decode()


def test_an_issue_goes_back_as_it_was_carried_over_or_at_the_end_of_the_order(
    session: Session, client_for: ClientFor
) -> None:
    meeting = session.meeting
    carried = actions.issue_submit(meeting=meeting, presenter=session.alice, question="Carried?")
    actions.queue_fix(meeting=meeting, order=[], by=session.chair)  # carried to the next
    carried.refresh_from_db()
    assert carried.status == Issue.Status.PARKED
    queued = actions.issue_submit(meeting=meeting, presenter=session.alice, question="Queued?")
    other = actions.issue_submit(meeting=meeting, presenter=session.bob, question="Other?")
    actions.queue_fix(meeting=meeting, order=[queued.pk, other.pk], by=session.chair)
    client = client_for(session.alice)
    for issue in (carried, queued):
        withdraw(client, issue)
        client.post(reverse("issues:restore", args=[issue.pk]))
    carried.refresh_from_db()
    queued.refresh_from_db()
    assert (carried.status, carried.meeting_id, carried.position) == (
        Issue.Status.PARKED,
        later_meeting_of(session).pk,
        None,
    )
    assert (queued.status, queued.position) == (Issue.Status.QUEUED, 2)  # after Bob's (1)


def test_undo_is_refused_after_the_minutes_have_run_out(
    session: Session, client_for: ClientFor
) -> None:
    issue = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="How?")
    client = client_for(session.alice)
    withdraw(client, issue)
    age_offers(client, UNDO_MINUTES + 1)
    late = client.post(reverse("issues:restore", args=[issue.pk]), follow=True)
    assert f"It is too late to undo this: undo lasts {UNDO_MINUTES} minutes." in (
        late.content.decode()
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.WITHDRAWN


def test_nobody_else_undoes_it(session: Session, client_for: ClientFor) -> None:
    issue = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="How?")
    withdraw(client_for(session.alice), issue)
    # The chair cannot reach a withdrawn issue at all, nor use the presenter's undo.
    assert (
        client_for(session.chair).post(reverse("issues:restore", args=[issue.pk])).status_code
        == 404
    )
    theirs = Undo(by_id=session.alice.pk, at=timezone.now(), data={"issue": issue.pk})
    with pytest.raises(ValidationError, match="Only the member who brought an issue"):
        actions.issue_restore(issue=issue, by=session.chair, undo=theirs)
    # An undo someone else was offered does not work for the presenter either.
    with pytest.raises(ValidationError, match="Only whoever did this can undo it"):
        actions.issue_restore(
            issue=issue,
            by=session.alice,
            undo=Undo(by_id=session.chair.pk, at=timezone.now(), data={"issue": issue.pk}),
        )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.WITHDRAWN


def test_no_undo_once_the_meeting_has_started_or_for_another_issue(session: Session) -> None:
    issue = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="How?")
    other = actions.issue_submit(meeting=session.meeting, presenter=session.alice, question="No?")
    actions.issue_withdraw(issue=issue, by=session.alice)
    fresh = Undo(by_id=session.alice.pk, at=timezone.now(), data={"issue": issue.pk})
    with pytest.raises(ValidationError, match="That undo is for another issue"):
        actions.issue_restore(issue=other, by=session.alice, undo=fresh)
    start_room(session)
    with pytest.raises(ValidationError, match="issues can no longer be brought back"):
        actions.issue_restore(issue=issue, by=session.alice, undo=fresh)
