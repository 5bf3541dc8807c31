"""Joining, leaving and chair hand-over against what was said in the room."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts import actions as account_actions
from peerpower.accounts.models import Invitation
from peerpower.groups import actions as group_actions
from peerpower.groups.models import Membership
from peerpower.issues import actions
from tests.issues.conftest import Session, chair_does, start_room
from tests.leaks import Markers, client_of


def test_someone_who_joins_after_the_mornings_meeting_began_reads_none_of_it(
    session: Session, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """The day is the unit of the joined-later rule: a person invited and joining hours after
    the room ended reads everything said in it, shared notes included."""
    s = session
    marks = Markers("sameday")
    issue = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question=marks("question"))
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    start_room(s, minutes_ago=5)
    chair_does(s, "start_issue", issue_id=issue.pk)
    actions.note_add(issue=issue, by=s.chair, text=marks("note"))
    actions.notes_share(issue=issue, by=s.alice, shared=True)
    chair_does(s, "finish_issue")
    chair_does(s, "end")  # the meeting is over
    # afterwards, the chair invites a newcomer, who accepts and takes the pledge
    invitation = account_actions.invitation_create(
        network=s.world.network,
        role=Invitation.Role.MEMBER,
        email="newcomer@example.org",
        name="New Comer",
        group=s.world.group,
        by=s.chair,
    )
    newcomer = invitation.user
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.invitation_accept(
            invitation=invitation, user=newcomer, password="x-Long-pw-123!"
        )
    group_actions.pledge_accept(
        membership=Membership.objects.get(group=s.world.group, user=newcomer), by=newcomer
    )
    page = client_of(newcomer).get(f"/issues/{issue.pk}/")
    assert marks.found_in(page.content.decode()) == []


def test_a_chair_invitation_no_longer_stands_once_its_invitee_left(
    session: Session,
) -> None:
    """The admin asks member Bob to take over as chair; Bob then leaves (or the chair sets him
    to left) and afterwards accepts the still-valid chair invitation. join() hands the chair
    over to a membership that is `left`: the old chair is demoted (or removed) and the group
    has no active chair."""
    s = session
    invitation = group_actions.chair_replace(
        group=s.world.group, email=s.bob.email, old_chair_becomes="left", by=s.world.admin
    )
    bob = Membership.objects.get(group=s.world.group, user=s.bob)
    group_actions.membership_leave(membership=bob, by=s.bob)
    try:
        account_actions.invitation_accept(invitation=invitation, user=s.bob)
    except ValidationError:
        return  # refused: held
    chairs = Membership.objects.filter(
        group=s.world.group, role="chair", status=Membership.Status.ACTIVE
    )
    assert chairs.exists(), list(
        Membership.objects.filter(group=s.world.group).values_list("user__name", "role", "status")
    )


def test_a_chair_invitation_no_longer_stands_while_its_invitee_is_paused(
    session: Session,
) -> None:
    """Same, with the chair pausing Bob before he accepts: Bob becomes a paused chair (who
    cannot be resumed: membership_set_status refuses a chair's membership) and the old chair
    is gone."""
    s = session
    invitation = group_actions.chair_replace(
        group=s.world.group, email=s.bob.email, old_chair_becomes="left", by=s.world.admin
    )
    bob = Membership.objects.get(group=s.world.group, user=s.bob)
    group_actions.membership_set_status(membership=bob, status=Membership.Status.PAUSED, by=s.chair)
    try:
        account_actions.invitation_accept(invitation=invitation, user=s.bob)
    except ValidationError:
        return  # refused: held
    assert Membership.objects.filter(
        group=s.world.group, role="chair", status=Membership.Status.ACTIVE
    ).exists(), list(
        Membership.objects.filter(group=s.world.group).values_list("user__name", "role", "status")
    )


def test_a_removed_chairs_outstanding_invitation_lets_nobody_in(
    session: Session, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """The chair invites a friend, then the admin replaces the chair (old chair leaves). The
    friend accepts afterwards and joins (and may pledge and read) on the word of someone who no
    longer chairs, or belongs to, the group: the new chair never chose them."""
    s = session
    friend = account_actions.invitation_create(
        network=s.world.network,
        role=Invitation.Role.MEMBER,
        email="friend@example.org",
        group=s.world.group,
        by=s.chair,
    )
    handover = group_actions.chair_replace(
        group=s.world.group, email=s.bob.email, old_chair_becomes="left", by=s.world.admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.invitation_accept(invitation=handover, user=s.bob)
    assert Membership.objects.get(group=s.world.group, user=s.chair).status == "left"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            account_actions.invitation_accept(
                invitation=friend, user=friend.user, password="x-Long-pw-123!"
            )
    except ValidationError:
        return  # held
    pytest.fail(
        "joined on an invitation from a former chair: "
        + str(
            Membership.objects.filter(group=s.world.group, user=friend.user).values_list("status")
        )
    )
