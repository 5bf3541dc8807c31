"""Joining a group is the chair's to control: invitations, proposals, announcements, history."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.actions import invitation_accept, invitation_create, invitation_revoke
from peerpower.accounts.invitations import issue_invitation
from peerpower.accounts.models import Invitation
from peerpower.groups.actions import (
    chair_replace,
    membership_approve,
    membership_decline,
    membership_propose,
    membership_set_status,
    pledge_accept,
)
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.lib.rules import Refused, can
from tests import factories
from tests.conftest import ClientFor, World

Capture = DjangoCaptureOnCommitCallbacks


def history(world: World) -> list[tuple[str, str, str | None, str | None]]:
    """The group's history, oldest first: (person, what, approved by, proposed by)."""
    return [
        (
            e.user.display_name,
            e.kind,
            e.approved_by.display_name if e.approved_by else None,
            e.proposed_by.display_name if e.proposed_by else None,
        )
        for e in MembershipEvent.objects.filter(group=world.group).order_by("at", "id")
    ]


def subjects_to(email: str) -> list[str]:
    return [str(m.subject) for m in mail.outbox if m.to == [email]]


def test_the_chair_invites_and_the_group_is_told_when_the_newcomer_joins(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    invitation = invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="nia@example.org",
        name="Nia New",
        by=world.chair,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=invitation.user, password="a-long-pass-77")
    membership = Membership.objects.get(group=world.group, user=invitation.user)
    assert membership.status == "active"
    assert membership.announced_at is not None
    assert history(world) == [
        ("Nia New", "invited", None, None),
        ("Nia New", "joined", "Helen Chair", None),
    ]
    # every current member is told (the chair and Maya), the newcomer and former members not
    told = sorted(m.to[0] for m in mail.outbox if m.subject == "Nia New has joined Tuesday Leaders")
    assert told == sorted([world.chair.email, world.member.email])
    [announcement] = [m for m in mail.outbox if m.to == [world.member.email]]
    assert "Nia New joined Tuesday Leaders as member on" in announcement.body
    assert ", approved by Helen Chair." in announcement.body


def test_a_network_admin_cannot_invite_a_member(world: World) -> None:
    with pytest.raises(Refused) as refused:
        invitation_create(
            network=world.network,
            group=world.group,
            role="member",
            email=world.admin.email,
            by=world.admin,
        )
    assert refused.value.messages == [
        "Only the group's chair invites members. A network admin can propose someone."
    ]
    assert not Membership.objects.filter(group=world.group, user=world.admin).exists()


def test_an_admin_proposes_the_chair_approves_and_the_group_is_told_before_the_pledge(
    world: World, django_capture_on_commit_callbacks: Capture, client_for: ClientFor
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposal = membership_propose(group=world.group, email=world.admin.email, by=world.admin)
    assert proposal.status == "proposed"
    assert subjects_to(world.chair.email) == ["Alex Admin proposes Alex Admin for Tuesday Leaders"]
    assert subjects_to(world.admin.email) == []  # nothing goes to the person yet
    # the proposed admin sees nothing confidential and cannot accept the pledge
    with pytest.raises(ValidationError, match="Only a current member"):
        pledge_accept(membership=proposal, by=world.admin)

    page = client_for(world.chair).get(reverse("groups:detail", args=[world.group.pk]))
    assert b"Proposed by the network, waiting for the chair" in page.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = membership_approve(membership=proposal, by=world.chair)
    assert subjects_to(world.admin.email) == ["You're invited to Tuesday Leaders on Peer Power"]
    assert invitation.invited_by == world.chair
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=world.admin)
    membership = Membership.objects.get(group=world.group, user=world.admin)
    joined = MembershipEvent.objects.get(group=world.group, user=world.admin, kind="joined")
    assert membership.announced_at == joined.at
    assert subjects_to(world.member.email) == ["Alex Admin has joined Tuesday Leaders"]
    assert history(world) == [
        ("Alex Admin", "proposed", None, None),
        ("Alex Admin", "invited", "Helen Chair", "Alex Admin"),
        ("Alex Admin", "joined", "Helen Chair", "Alex Admin"),
    ]
    pledge_accept(membership=membership, by=world.admin)
    page = client_for(world.member).get(reverse("groups:detail", args=[world.group.pk]))
    assert b"Alex Admin</strong>\njoined as member, proposed by Alex Admin, approved by Helen" in (
        page.content
    )


def test_the_chair_declines_a_proposal_and_nothing_is_sent(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    proposal = membership_propose(group=world.group, email="pat@example.org", by=world.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership_decline(membership=proposal, by=world.chair)
    assert mail.outbox == []
    assert not Membership.objects.filter(pk=proposal.pk).exists()
    assert [kind for _, kind, _, _ in history(world)] == ["proposed", "declined"]


def test_only_the_chair_approves_a_proposal(world: World) -> None:
    proposal = membership_propose(group=world.group, email="pat@example.org", by=world.admin)
    for person in (world.admin, world.member, world.other_member):
        with pytest.raises(Refused):
            membership_approve(membership=proposal, by=person)
    assert Membership.objects.get(pk=proposal.pk).status == "proposed"


def test_nobody_approves_their_own_joining(world: World) -> None:
    # The rule holds even for a proposal no action can make (the chair is already in).
    own = Membership(group=world.group, user=world.chair, status="proposed")
    assert can(world.chair, "groups.approve_member", own) is False


def test_nobody_accepts_an_invitation_they_sent_themselves(world: World) -> None:
    group = factories.make_group(world.network, generate=False)  # no chair yet
    with pytest.raises(ValidationError) as refused:
        invitation_create(
            network=world.network,
            group=group,
            role="chair",
            email=world.admin.email,
            by=world.admin,
        )
    assert refused.value.message_dict == {
        "email": ["You cannot invite or propose yourself; ask someone else to."]
    }
    # and were such an invitation made some other way, accepting it is refused
    Membership.objects.create(group=group, user=world.admin, role="chair")
    invitation = issue_invitation(
        network=world.network, group=group, user=world.admin, role="chair", by=world.admin
    )
    with pytest.raises(Refused) as refused_accept:
        invitation_accept(invitation=invitation, user=world.admin)
    assert refused_accept.value.messages == [
        "You cannot accept an invitation you sent yourself; ask someone else to invite you."
    ]
    assert Membership.objects.get(group=group, user=world.admin).status == "invited"


def test_an_admin_invites_the_chair_of_a_group_without_one(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    group = factories.make_group(world.network, generate=False)
    invitation = invitation_create(
        network=world.network, group=group, role="chair", email="cat@example.org", by=world.admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=invitation.user, password="a-long-pass-77")
    membership = Membership.objects.get(group=group, user=invitation.user)
    assert (membership.role, membership.status) == ("chair", "active")
    assert list(MembershipEvent.objects.filter(group=group).values_list("kind", "approved_by")) == [
        ("became_chair", world.admin.pk),
        ("invited", None),
    ]
    # a group with a chair gets no second one this way
    with pytest.raises(Refused):
        invitation_create(
            network=world.network,
            group=group,
            role="chair",
            email="dan@example.org",
            by=world.admin,
        )


def test_a_member_cannot_accept_the_pledge_before_the_group_is_told(world: World) -> None:
    membership = factories.add_member(world.group, factories.make_user("Quiet"))
    Membership.objects.filter(pk=membership.pk).update(announced_at=None)
    membership.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        pledge_accept(membership=membership, by=membership.user)
    assert refused.value.messages == [
        "The group has not yet been told that you joined; try again soon."
    ]
    # and the database refuses it too, whatever path writes it
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(pledge_accepted_at=timezone.now())


def test_leaving_keeps_the_person_in_the_history_and_rejoining_starts_afresh(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    membership = Membership.objects.get(group=world.group, user=world.member)
    membership_set_status(membership=membership, status=Membership.Status.LEFT, by=world.chair)
    invitation = invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email=world.member.email,
        by=world.chair,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=world.member)
    membership.refresh_from_db()
    today = timezone.localdate()
    assert (membership.status, membership.joined_on, membership.left_on) == ("active", today, None)
    assert membership.pledge_accepted_at is None
    assert [kind for name, kind, _, _ in history(world) if name == "Maya Member"] == [
        "left",
        "invited",
        "joined",
    ]


def test_withdrawing_a_former_members_invitation_leaves_them_former(world: World) -> None:
    invitation = invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email=world.former_member.email,
        by=world.chair,
    )
    invitation_revoke(invitation=invitation, by=world.chair)
    membership = Membership.objects.get(group=world.group, user=world.former_member)
    assert (membership.status, membership.joined_on, membership.left_on) == (
        "left",
        date(2020, 1, 1),
        date(2021, 1, 1),
    )


@pytest.mark.parametrize("old_chair_becomes", ["member", "left"])
def test_an_admin_replaces_the_chair_and_the_group_is_told(
    world: World,
    django_capture_on_commit_callbacks: Capture,
    client_for: ClientFor,
    old_chair_becomes: str,
) -> None:
    invitation = chair_replace(
        group=world.group,
        email="rae@example.org",
        name="Rae Replacement",
        old_chair_becomes=old_chair_becomes,
        by=world.admin,
    )
    # until the new chair accepts, the old one chairs
    assert Membership.objects.get(group=world.group, user=world.chair).role == "chair"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=invitation.user, password="a-long-pass-77")
    old = Membership.objects.get(group=world.group, user=world.chair)
    new = Membership.objects.get(group=world.group, user=invitation.user)
    assert (new.role, new.status, new.joined_on) == ("chair", "active", timezone.localdate())
    expected_old = ("member", "active") if old_chair_becomes == "member" else ("member", "left")
    assert (old.role, old.status) == expected_old
    assert subjects_to(world.member.email) == [
        "Rae Replacement is now the chair of Tuesday Leaders"
    ]
    kinds = [(name, kind) for name, kind, _, _ in history(world)][-4:]
    assert kinds[-1] == ("Rae Replacement", "became_chair")
    assert ("Helen Chair", "stepped_down") in kinds
    assert (("Helen Chair", "left") in kinds) == (old_chair_becomes == "left")
    # the new chair must set up a second factor before any page opens
    client = client_for(invitation.user)
    response = client.get(reverse("groups:detail", args=[world.group.pk]))
    assert response["Location"] == reverse("mfa_required")


def test_an_existing_member_can_be_made_chair(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    invitation = chair_replace(
        group=world.group, email=world.member.email, old_chair_becomes="member", by=world.admin
    )
    joined_on = Membership.objects.get(group=world.group, user=world.member).joined_on
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=world.member)
    membership = Membership.objects.get(group=world.group, user=world.member)
    assert (membership.role, membership.status, membership.joined_on) == (
        "chair",
        "active",
        joined_on,
    )


def test_nobody_replaces_the_chair_with_themselves(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        chair_replace(
            group=world.group, email=world.admin.email, old_chair_becomes="member", by=world.admin
        )
    assert refused.value.message_dict == {
        "email": ["You cannot invite or propose yourself; ask someone else to."]
    }
    with pytest.raises(Refused):
        chair_replace(
            group=world.group, email="x@example.org", old_chair_becomes="member", by=world.chair
        )
    assert not Invitation.objects.filter(group=world.group, role="chair").exists()
