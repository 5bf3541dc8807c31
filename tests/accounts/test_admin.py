"""The Django admin cannot be used to become someone else, and tells people what it changed."""

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.models import User
from peerpower.networks.models import NetworkRole
from tests import factories
from tests.conftest import World


@pytest.fixture
def superuser(db: None) -> User:
    user = factories.make_user("Super User", mfa=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_form(user: User, **changes: str) -> dict[str, str]:
    data = {
        "email": user.email,
        "name": user.name,
        "time_zone": user.time_zone,
        "remind_week_before": "on",
        "remind_day_before": "on",
        "is_active": "on",
        "last_login_0": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    return {**data, **changes}


def test_a_superuser_cannot_set_anyones_password_or_email(
    world: World,
    superuser: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = admin_client(superuser)
    url = reverse("admin:accounts_user_change", args=[world.member.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="email"' not in page.content
    assert b'name="password"' not in page.content
    assert b"nobody else can set it" in page.content
    password_url = f"/admin/accounts/user/{world.member.pk}/password/"
    assert client.get(password_url).status_code in (302, 404)  # no such page: back to the user
    assert client.post(
        password_url, {"password1": "hijack-1234567", "password2": "hijack-1234567"}
    ).status_code in (302, 404)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, user_form(world.member, email="super@example.org", password="x"))
    world.member.refresh_from_db()
    assert world.member.email != "super@example.org"
    assert world.member.check_password(factories.PASSWORD)
    assert not User.objects.get(pk=world.member.pk).check_password("hijack-1234567")
    with pytest.raises(NoReverseMatch):
        reverse("admin:accounts_user_password_change", args=[world.member.pk])
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_the_admin_shows_no_authenticators_and_changes_no_email_addresses(
    world: World, superuser: User
) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    assert not admin.site.is_registered(Authenticator)
    with pytest.raises(NoReverseMatch):
        reverse("admin:mfa_authenticator_changelist")
    address = EmailAddress.objects.get(user=world.member)
    client = admin_client(superuser)
    change = reverse("admin:account_emailaddress_change", args=[address.pk])
    client.post(change, {"user": world.member.pk, "email": "super@example.org", "verified": "on"})
    address.refresh_from_db()
    assert address.email == world.member.email
    assert client.get(reverse("admin:account_emailaddress_add")).status_code == 403


def test_a_person_is_told_when_the_admin_changes_their_account(
    world: World,
    superuser: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = admin_client(superuser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_change", args=[world.member.pk]),
            user_form(world.member, name="Maya Renamed"),
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [world.member.email]
    assert message.subject == "Your Peer Power account was changed by an administrator"
    assert "Super User changed your Peer Power account on" in message.body
    assert "- Name\n" in message.body


def test_the_admin_cannot_give_a_network_role(world: World, superuser: User) -> None:
    # Roles come through the invitation flow, which refuses inviting oneself: a superuser who
    # could make themselves a network admin here could then invite themselves in as a chair.
    response = admin_client(superuser).post(
        reverse("admin:networks_networkrole_add"),
        {"network": world.network.pk, "user": superuser.pk, "role": "admin"},
    )
    assert response.status_code == 403
    assert not NetworkRole.objects.filter(user=superuser).exists()


def test_a_person_is_told_when_the_admin_removes_their_network_role(
    world: World,
    superuser: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    role = NetworkRole.objects.get(user=world.admin, role="admin")
    client = admin_client(superuser)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:networks_networkrole_delete", args=[role.pk]), {"post": "yes"})
    assert not NetworkRole.objects.filter(pk=role.pk).exists()
    [message] = mail.outbox
    assert message.to == [world.admin.email]
    assert "- network admin of Northbridge: taken away" in message.body


def test_the_admin_refuses_deleting_a_group_a_meeting_or_a_person_with_history(
    world: World, superuser: User
) -> None:
    client = admin_client(superuser)
    meeting = world.next_meeting()
    for url in (
        reverse("admin:groups_peergroup_delete", args=[world.group.pk]),
        reverse("admin:meetings_meeting_delete", args=[meeting.pk]),
    ):
        assert client.post(url, {"post": "yes"}).status_code == 403
    # A member's joining is in the group's history, which keeps them (PROTECT): the admin's
    # confirmation page says so, and the deletion itself is refused.
    url = reverse("admin:accounts_user_delete", args=[world.member.pk])
    assert "Cannot delete" in client.get(url).content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=world.member.pk).exists()
    assert type(world.group).objects.filter(pk=world.group.pk).exists()
    assert type(meeting).objects.filter(pk=meeting.pk).exists()
