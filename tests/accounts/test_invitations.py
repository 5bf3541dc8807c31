from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.actions import invitation_accept, invitation_create
from peerpower.accounts.models import Invitation, User, hash_token
from peerpower.groups.models import Membership
from peerpower.networks.models import NetworkRole
from tests.conftest import ClientFor, World


def invite(
    world: World, email: str = "new@example.org", role: str = "member"
) -> tuple[Invitation, str]:
    """Invite through the action and read the link from the email, as the invitee would."""
    mail.outbox.clear()
    group = world.group if role in ("member", "chair") else None
    # The chair invites the group's members; the network's admins invite to network roles.
    by = world.chair if role == "member" else world.admin
    invitation = invitation_create(
        network=world.network, group=group, role=role, email=email, by=by
    )
    from peerpower.accounts.tasks import send_invitation

    # The email is queued on commit; the test transaction never commits, so send it here
    # with a token we know.
    token = "known-token-" + str(invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    send_invitation.call_local(invitation_id=invitation.pk, token=token)
    return invitation, token


def test_invitation_email_links_to_the_accept_page(world: World) -> None:
    _, token = invite(world)
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert message.subject == "You're invited to Tuesday Leaders on Peer Power"
    assert f"/invitations/{token}/" in message.body
    assert "Helen Chair has invited you" in message.body


def test_invitee_sets_a_password_and_becomes_an_active_member(
    world: World, client: object, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    _, token = invite(world)
    url = reverse("invitation_accept", args=[token])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Nia New",
                "password1": "a-long-new-password-9",
                "password2": "a-long-new-password-9",
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(group=world.group, user__email="new@example.org")
    assert (membership.status, membership.joined_on) == ("active", timezone.localdate())
    user = User.objects.get(email="new@example.org")
    assert user.name == "Nia New"
    assert user.check_password("a-long-new-password-9")
    assert client.get(reverse("home")).status_code == 200  # logged in
    # ... and can log in again with the password through allauth (email verified)
    fresh = Client()
    login = fresh.post(
        reverse("account_login"), {"login": "new@example.org", "password": "a-long-new-password-9"}
    )
    assert login.status_code == 302 and login["Location"] == "/"


def test_mismatched_passwords_are_refused_next_to_the_field(
    world: World, client_for: ClientFor
) -> None:
    _, token = invite(world)
    response = client_for(None).post(
        reverse("invitation_accept", args=[token]),
        {"name": "Nia", "password1": "a-long-new-password-9", "password2": "another-password-9"},
    )
    assert response.context["form"].errors["password2"] == ["The two passwords are not the same."]
    assert (
        Membership.objects.get(group=world.group, user__email="new@example.org").status == "invited"
    )


def test_a_weak_password_is_refused(world: World, client_for: ClientFor) -> None:
    _, token = invite(world)
    response = client_for(None).post(
        reverse("invitation_accept", args=[token]),
        {"name": "Nia", "password1": "password", "password2": "password"},
    )
    assert "This password is too common." in response.context["form"].errors["password1"]


def test_an_expired_invitation_says_so(world: World, client_for: ClientFor) -> None:
    invitation, token = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    response = client_for(None).get(reverse("invitation_accept", args=[token]))
    assert b"This invitation has expired." in response.content
    with pytest.raises(Exception, match="expired"):
        invitation.refresh_from_db()
        invitation_accept(
            invitation=invitation, user=invitation.user, password="a-long-new-password-9"
        )


def test_an_unknown_token_is_a_404(client_for: ClientFor, db: None) -> None:
    assert client_for(None).get(reverse("invitation_accept", args=["nope"])).status_code == 404


def test_someone_logged_in_as_another_person_cannot_accept(
    world: World, client_for: ClientFor
) -> None:
    _, token = invite(world)
    response = client_for(world.member).post(reverse("invitation_accept", args=[token]))
    assert b"This invitation is for new@example.org" in response.content
    assert (
        Membership.objects.get(group=world.group, user__email="new@example.org").status == "invited"
    )


def test_an_existing_account_accepts_after_logging_in(world: World, client_for: ClientFor) -> None:
    _, token = invite(world, email=world.other_member.email)
    client = client_for(None)
    response = client.get(reverse("invitation_accept", args=[token]))
    assert b"Log in to accept" in response.content
    client.force_login(world.other_member)
    assert client.post(reverse("invitation_accept", args=[token])).status_code == 302
    assert Membership.objects.get(group=world.group, user=world.other_member).status == "active"


def test_a_network_role_invitation_grants_the_role(world: World, client_for: ClientFor) -> None:
    _, token = invite(world, email="coach2@example.org", role="coach")
    client_for(None).post(
        reverse("invitation_accept", args=[token]),
        {
            "name": "Cy Coach",
            "password1": "a-long-new-password-9",
            "password2": "a-long-new-password-9",
        },
    )
    assert NetworkRole.objects.filter(
        user__email="coach2@example.org", role="coach", network=world.network
    ).exists()


def test_withdrawing_an_invitation_removes_the_invited_membership(
    world: World, client_for: ClientFor
) -> None:
    invitation, token = invite(world)
    response = client_for(world.chair).post(reverse("invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Membership.objects.filter(group=world.group, user__email="new@example.org").exists()
    assert client_for(None).get(reverse("invitation_accept", args=[token])).status_code == 404


def test_a_former_member_can_be_invited_back(world: World) -> None:
    invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email=world.former_member.email,
        by=world.chair,
    )
    membership = Membership.objects.get(group=world.group, user=world.former_member)
    # Until they accept, the record of their last period stays (it was wiped before).
    assert (membership.status, membership.joined_on, membership.left_on) == (
        "invited",
        date(2020, 1, 1),
        date(2021, 1, 1),
    )
    assert (membership.pledge_accepted_at, membership.announced_at) == (None, None)


def test_signup_is_closed(client_for: ClientFor, db: None) -> None:
    response = client_for(None).post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "a-long-pass-99", "password2": "a-long-pass-99"},
    )
    assert not User.objects.filter(email="x@example.org").exists()
    assert response.status_code == 200


def test_an_expired_group_invitation_can_be_sent_again(world: World) -> None:
    invitation, _ = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    again = invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="new@example.org",
        by=world.chair,
    )
    assert list(Invitation.objects.filter(user=again.user).values_list("pk", flat=True)) == [
        again.pk
    ]
    assert Membership.objects.get(group=world.group, user=again.user).status == "invited"
