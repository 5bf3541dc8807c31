"""Withdrawing an invitation can be undone for a few minutes, from the status message, by whoever
withdrew it: the same link works again and the membership is invited again. After that, by
anyone else, or once the person has been invited again, it is refused (lib.undo)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts import actions
from peerpower.accounts.models import Invitation, hash_token
from peerpower.accounts.tasks import send_invitation
from peerpower.groups.actions import membership_approve, membership_propose
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.lib import undo
from peerpower.lib.rules import Refused
from peerpower.lib.undo import UNDO_MINUTES, Undo
from peerpower.networks.models import NetworkRole
from tests.accounts.test_invitations import invite
from tests.conftest import ClientFor, World


def withdraw(client: Client, invitation: Invitation) -> str:
    response = client.post(reverse("invitation_revoke", args=[invitation.pk]), follow=True)
    return response.content.decode()


def restore(client: Client, pk: int) -> str:
    return client.post(reverse("invitation_restore", args=[pk]), follow=True).content.decode()


def test_the_chair_undoes_a_withdrawal_and_the_same_link_works_again(
    world: World, client_for: ClientFor
) -> None:
    invitation, token = invite(world, email="pat@example.org")
    pk = invitation.pk
    client = client_for(world.chair)
    page = withdraw(client, invitation)
    assert "The invitation to pat@example.org is withdrawn." in page
    assert f'<form method="post" action="/invitations/{pk}/restore/" class="ms-auto">' in page
    assert actions.invitation_for_token(token) is None
    assert not Membership.objects.filter(user__email="pat@example.org").exists()
    mail.outbox.clear()

    page = restore(client, pk)
    assert "The invitation to pat@example.org is back; their link works again." in page
    back = actions.invitation_for_token(token)
    assert back is not None
    assert (back.group, back.role, back.invited_by, back.expires_at) == (
        world.group,
        "member",
        world.chair,
        invitation.expires_at,
    )
    membership = Membership.objects.get(user__email="pat@example.org")
    assert (membership.group, membership.status) == (world.group, "invited")
    assert list(
        MembershipEvent.objects.filter(user=membership.user).values_list("kind", flat=True)
    ) == ["invited", "withdrawn", "invited"]
    assert mail.outbox == []  # nothing new is sent: their first email's link works again
    assert "There is nothing to undo here." in restore(client, pk)  # used up


def test_a_proposal_approved_then_withdrawn_comes_back_with_its_proposer(
    world: World, client_for: ClientFor
) -> None:
    proposal = membership_propose(group=world.group, email="nia@example.org", by=world.admin)
    invitation = membership_approve(membership=proposal, by=world.chair)
    client = client_for(world.chair)
    withdraw(client, invitation)
    restore(client, invitation.pk)
    membership = Membership.objects.get(user__email="nia@example.org")
    assert (membership.status, membership.proposed_by) == ("invited", world.admin)


def test_a_network_role_invitation_comes_back_too(world: World, client_for: ClientFor) -> None:
    invitation, token = invite(world, email="cy@example.org", role="coach")
    client = client_for(world.admin)
    withdraw(client, invitation)
    assert "is back; their link works again." in restore(client, invitation.pk)
    assert actions.invitation_for_token(token) is not None


def test_undo_is_refused_after_the_minutes_have_run_out(
    world: World, client_for: ClientFor
) -> None:
    invitation, token = invite(world, email="pat@example.org")
    client = client_for(world.chair)
    withdraw(client, invitation)
    session = client.session
    for offer in session[undo.SESSION_KEY].values():
        offer["at"] = (timezone.now() - timedelta(minutes=UNDO_MINUTES, seconds=1)).isoformat()
    session.save()
    page = restore(client, invitation.pk)
    assert f"It is too late to undo this: undo lasts {UNDO_MINUTES} minutes." in page
    assert actions.invitation_for_token(token) is None


def test_nobody_else_undoes_it(world: World, client_for: ClientFor) -> None:
    invitation, token = invite(world, email="pat@example.org")
    client = client_for(world.chair)
    withdraw(client, invitation)
    # Another person's session holds no undo; the page says so and tells nothing more.
    for other in (world.admin, world.member, world.outsider):
        assert "There is nothing to undo here." in restore(client_for(other), invitation.pk)
    kept = client.session[undo.SESSION_KEY][f"/invitations/{invitation.pk}/restore/"]["data"]
    # The network's admin may not send a member's invitation, so may not bring one back ...
    with pytest.raises(Refused):
        actions.invitation_restore(
            undo=Undo(by_id=world.admin.pk, at=timezone.now(), data=kept), by=world.admin
        )
    # ... and the chair may not use an undo offered to someone else.
    with pytest.raises(ValidationError, match="Only whoever did this can undo it"):
        actions.invitation_restore(
            undo=Undo(by_id=world.admin.pk, at=timezone.now(), data=kept), by=world.chair
        )
    assert actions.invitation_for_token(token) is None


def test_no_undo_once_they_have_been_invited_again(world: World, client_for: ClientFor) -> None:
    invitation, token = invite(world, email="pat@example.org")
    client = client_for(world.chair)
    withdraw(client, invitation)
    actions.invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="pat@example.org",
        by=world.chair,
    )
    page = restore(client, invitation.pk)
    assert (
        "pat@example.org has already been invited to Tuesday Leaders. Their new invitation stands."
        in page
    )
    assert actions.invitation_for_token(token) is None

    coach, coach_token = invite(world, email="cy@example.org", role="coach")
    admin = client_for(world.admin)
    withdraw(admin, coach)
    NetworkRole.objects.create(network=world.network, user=coach.user, role="coach")
    assert "They have been invited again since" in restore(admin, coach.pk)
    assert actions.invitation_for_token(coach_token) is None


def test_an_expired_invitation_is_withdrawn_without_an_undo(
    world: World, client_for: ClientFor
) -> None:
    invitation, _ = invite(world, email="pat@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=30), expires_at=timezone.now() - timedelta(1)
    )
    page = withdraw(client_for(world.chair), invitation)
    assert "The invitation to pat@example.org is withdrawn." in page
    assert ">Undo</button>" not in page


def test_withdraw_is_offered_only_to_whoever_may_withdraw(
    world: World, client_for: ClientFor
) -> None:
    """The chair's invitation to a member is the chair's to withdraw: the network admin's pages
    list it but offer no Withdraw button (pressing it gave a 404)."""
    invitation, _ = invite(world, email="pat@example.org")
    button = f'action="{reverse("invitation_revoke", args=[invitation.pk])}"'
    pages = {
        "group": reverse("groups:detail", args=[world.group.pk]),
        "network": reverse("networks:detail", args=[world.network.slug]),
    }
    admin = client_for(world.admin)
    for name, url in pages.items():
        page = admin.get(url).content.decode()
        if name == "network":
            assert "pat@example.org" in page
            assert "Sent by the group's chair, who can withdraw it" in page
        assert button not in page, name
    assert button in client_for(world.chair).get(pages["group"]).content.decode()


def test_an_invitation_withdrawn_before_its_email_went_and_undone_is_still_emailed(
    world: World,
) -> None:
    """The email is queued with the invitation's id; undone, it comes back under that id, so
    the worker that gets to it afterwards sends it (before, it found nothing and sent nothing)."""
    mail.outbox.clear()
    invitation = actions.invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="pat@example.org",
        by=world.chair,
    )
    token = "queued-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    invitation.refresh_from_db()
    pk = invitation.pk
    kept = actions.invitation_revoke(invitation=invitation, by=world.chair)
    back = actions.invitation_restore(
        undo=Undo(by_id=world.chair.pk, at=timezone.now(), data=kept), by=world.chair
    )
    assert back.pk == pk
    send_invitation.call_local(invitation_id=pk, token=token)
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    assert actions.invitation_for_token(token) == back
