import pytest
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.models import Invitation, hash_token
from peerpower.networks.models import NetworkRole
from tests import factories
from tests.conftest import ClientFor, World


def test_a_chair_without_mfa_is_sent_to_set_it_up(world: World, client_for: ClientFor) -> None:
    chair = factories.make_user("New Chair")
    factories.add_member(world.other_group, chair, role="chair")
    client = client_for(chair)
    response = client.get(reverse("groups:detail", args=[world.other_group.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_required")
    page = client.get(reverse("mfa_required"))
    assert b"Set up an authenticator app" in page.content
    # The set-up pages stay reachable (allauth first asks for the password again).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain == [
        (f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F", 302)
    ]


def test_a_network_admin_without_mfa_is_sent_to_set_it_up(
    world: World, client_for: ClientFor
) -> None:
    admin = factories.make_user("New Admin")
    NetworkRole.objects.create(network=world.network, user=admin, role=NetworkRole.Role.ADMIN)
    assert client_for(admin).get(reverse("home"))["Location"] == reverse("mfa_required")


def test_a_member_needs_no_mfa(world: World, client_for: ClientFor) -> None:
    assert client_for(world.member).get(reverse("home")).status_code == 200


def test_login_is_rate_limited(world: World, client_for: ClientFor) -> None:
    client = client_for(None)
    statuses = [
        client.post(
            reverse("account_login"), {"login": world.member.email, "password": "wrong"}
        ).status_code
        for _ in range(8)
    ]
    last = client.post(reverse("account_login"), {"login": world.member.email, "password": "wrong"})
    assert statuses[0] == 200
    assert last.status_code == 429 or b"Too many failed login attempts" in last.content


def test_a_passed_mfa_check_is_remembered_for_a_while(
    world: World, client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(world.member)
    client.get(reverse("account_settings"))  # checks and remembers
    with django_assert_num_queries(3):  # session, user, nothing for MFA (then the page: 1)
        client.get(reverse("account_settings"))


def test_a_new_chair_is_asked_for_mfa_once_the_remembered_check_runs_out(
    world: World, client_for: ClientFor
) -> None:
    import time

    from peerpower.accounts.middleware import MFA_SESSION_KEY

    client = client_for(world.outsider)
    assert client.get(reverse("home")).status_code == 200
    factories.add_member(world.other_group, world.outsider, role="chair")
    assert client.get(reverse("home")).status_code == 200  # still remembered
    session = client.session
    session[MFA_SESSION_KEY] = time.time() - 1
    session.save()
    assert client.get(reverse("home"))["Location"] == reverse("mfa_required")


def test_the_django_admin_logs_in_through_allauth(client_for: ClientFor, db: None) -> None:
    response = client_for(None).get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_and_superusers_must_set_up_mfa_the_django_admin_included(
    db: None, client_for: ClientFor, flag: str
) -> None:
    user = factories.make_user("Staff Person")
    setattr(user, flag, True)
    user.save()
    client = client_for(user)
    for url in (reverse("home"), reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        assert client.get(url)["Location"] == reverse("mfa_required"), url


def test_only_accepting_an_invitation_is_exempt_from_the_second_factor(
    world: World, client_for: ClientFor
) -> None:
    chair = factories.make_user("Chair Without MFA")
    factories.add_member(world.other_group, chair, role="chair")
    invitation = invitation_create(
        network=world.network,
        group=world.other_group,
        role="member",
        email="pat@example.org",
        by=chair,
    )
    token = "known-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    client = client_for(chair)
    withdraw = client.post(reverse("invitation_revoke", args=[invitation.pk]))
    assert withdraw["Location"] == reverse("mfa_required")
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    # the accepting page still opens (here: "this invitation is for someone else")
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 200
