"""Probes that held (kept as regression checks)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts import actions as account_actions
from peerpower.accounts.models import Invitation
from peerpower.groups import actions as group_actions
from peerpower.groups.models import Membership
from peerpower.issues import actions
from peerpower.issues.models import Issue
from peerpower.issues.queries import issues_visible_to
from peerpower.meetings import actions as meeting_actions
from tests import factories
from tests.conftest import ClientFor, World
from tests.issues.conftest import Session, chair_does, start_room
from tests.leaks import client_of


def test_a_former_member_invited_back_sees_nothing_from_before(session: Session) -> None:
    s = session
    old = actions.issue_submit(meeting=s.meeting, presenter=s.bob, question="OLD-words")
    group_actions.membership_leave(
        membership=Membership.objects.get(group=s.world.group, user=s.bob), by=s.bob
    )
    inv = account_actions.invitation_create(
        network=s.world.network,
        role=Invitation.Role.MEMBER,
        email=s.bob.email,
        group=s.world.group,
        by=s.chair,
    )
    m = Membership.objects.get(group=s.world.group, user=s.bob)
    assert m.pledge_accepted_at is None and m.status == "invited"
    # move the meeting the old issue belongs to into the past, as if bob was away a while
    factories.move_meeting(s.meeting, timezone.now() - timedelta(days=3))
    account_actions.invitation_accept(invitation=inv, user=s.bob)
    m.refresh_from_db()
    group_actions.pledge_accept(membership=m, by=s.bob)
    assert not issues_visible_to(s.bob).filter(pk=old.pk).exists()
    record = client_of(s.bob).get(reverse("issues:own_record", args=[s.world.group.pk]))
    assert record.status_code == 200
    assert "OLD-words" not in record.content.decode()


def test_cancelling_a_running_meeting_keeps_worked_and_noted_issues_where_they_were(
    session: Session,
) -> None:
    s = session
    a = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question="A")
    b = actions.issue_submit(meeting=s.meeting, presenter=s.bob, question="B")
    actions.queue_fix(meeting=s.meeting, order=[a.pk, b.pk], by=s.chair)
    start_room(s)
    chair_does(s, "start_issue", issue_id=a.pk)
    actions.note_add(issue=a, by=s.chair, text="n")
    with pytest.raises(ValidationError):  # a meeting under way can no longer be cancelled
        meeting_actions.meeting_cancel(meeting=s.meeting, reason="fire alarm", by=s.chair)
    assert Issue.objects.get(pk=a.pk).meeting_id == s.meeting.pk


def test_the_practice_room_never_shows_a_real_issue(
    session: Session, client_for: ClientFor
) -> None:
    s = session
    real = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question="REAL-words")
    c = client_for(s.chair)
    url = f"/meetings/{s.meeting.pk}/room/practice/act/"
    c.post(url, {"action": "start", "version": 1})
    r = c.post(
        url, {"action": "start_issue", "version": 2, "issue": real.pk}, HTTP_HX_REQUEST="true"
    )
    assert "REAL-words" not in r.content.decode()


def test_staff_without_a_second_factor_get_no_admin(world: World, client_for: ClientFor) -> None:
    su = factories.make_user("Su No MFA")
    su.is_staff = su.is_superuser = True
    su.save()
    r = client_for(su).get("/admin/")
    assert r.status_code == 302 and "mfa" in r["Location"]


def test_a_latecomers_poll_gets_404_not_204(session: Session) -> None:
    s = session
    start_room(s)
    late = factories.add_member(s.world.group, factories.make_user("Late")).user
    Membership.objects.filter(user=late).update(
        joined_on=s.meeting.day + timedelta(days=1), pledge_accepted_at=timezone.now()
    )
    r = client_of(late).get(
        f"/meetings/{s.meeting.pk}/room/state/", {"v": "2"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 404
    r = client_of(late).get(
        f"/meetings/{s.meeting.pk}/room/state/", HTTP_IF_NONE_MATCH=f'"room-{s.meeting.pk}-2"'
    )
    assert r.status_code == 404
