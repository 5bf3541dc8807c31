"""Every accounts action that takes `by` (or, accepting, `user`) refuses the people the rules
refuse, before it writes. The table must name every such public function of
`accounts.actions`, so an action added without a check fails
`test_every_action_taking_by_is_in_the_table`.
"""

import inspect
from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone

from peerpower.accounts import actions
from peerpower.accounts.invitations import issue_invitation
from peerpower.accounts.models import Invitation, User
from peerpower.groups.models import Membership
from peerpower.lib.rules import Refused
from peerpower.lib.undo import Undo
from peerpower.networks.models import NetworkRole
from tests import factories
from tests.conftest import World

Call = Callable[[World, User, str], object]

# Acts on the caller's own account only: there is nobody else to refuse.
OWN_ACCOUNT = {"calendar_token_rotate"}


def member_invitation(world: World) -> Invitation:
    return Invitation.objects.get(user__email="pat@example.org")


def make_self_sent(world: World) -> Invitation:
    """An invitation its inviter sent to themselves (no action makes one; accepting refuses)."""
    group = factories.make_group(world.network, generate=False)
    Membership.objects.create(group=group, user=world.admin, role="chair")
    return issue_invitation(
        network=world.network, group=group, user=world.admin, role="chair", by=world.admin
    )


def self_sent(world: World) -> Invitation:
    return Invitation.objects.get(user=world.admin, invited_by=world.admin)


def withdrawn_by_chair(world: World, who: User) -> Undo:
    """The undo of the chair's withdrawing Pat's invitation, as if `who` had withdrawn it (so
    only the rules stand in their way); the withdrawal itself is rolled back."""
    with transaction.atomic():
        kept = actions.invitation_revoke(invitation=member_invitation(world), by=world.chair)
        transaction.set_rollback(True)
    return Undo(by_id=who.pk, at=timezone.now(), data=kept)


TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "invitation_create": (
        lambda w, who, _: actions.invitation_create(
            network=w.network, group=w.group, role="member", email="new@example.org", by=who
        ),
        ("admin", "member", "other_member", "coach", "outsider", "superuser"),
    ),
    "invitation_revoke": (
        lambda w, who, _: actions.invitation_revoke(invitation=member_invitation(w), by=who),
        ("admin", "member", "other_member", "invitee", "superuser"),
    ),
    "invitation_restore": (
        lambda w, who, _: actions.invitation_restore(undo=withdrawn_by_chair(w, who), by=who),
        ("admin", "member", "other_member", "invitee", "superuser"),
    ),
    "invitation_accept": (
        lambda w, who, name: actions.invitation_accept(
            invitation=self_sent(w) if name == "admin" else member_invitation(w), user=who
        ),
        ("chair", "member", "outsider", "superuser", "admin"),  # admin: the one they sent
    ),
}

CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


def takes_a_person() -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(actions, inspect.isfunction)
        if not name.startswith("_")
        and fn.__module__ == actions.__name__
        and {"by", "user"} & set(inspect.signature(fn).parameters)
    } - OWN_ACCOUNT


def test_every_action_taking_by_is_in_the_table() -> None:
    assert takes_a_person() == set(TABLE)


def test_network_invitations_are_the_admins_alone(world: World) -> None:
    for who in (world.chair, world.member, world.coach):
        with pytest.raises(Refused):
            actions.invitation_create(
                network=world.network, role="coach", email="cy@example.org", by=who
            )
    assert not NetworkRole.objects.filter(user__email="cy@example.org").exists()


def person(world: World, who: str) -> User:
    if who == "superuser":
        user = factories.make_user("Super User", mfa=True)
        user.is_staff = user.is_superuser = True
        user.save()
        return user
    if who == "invitee":
        return member_invitation(world).user
    named: User = getattr(world, who)
    return named


def state() -> tuple[object, ...]:
    return (
        list(Invitation.objects.values_list("pk", "user_id", "role", "accepted_at")),
        list(Membership.objects.values_list("pk", "user_id", "role", "status")),
    )


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(world: World, action: str, who: str) -> None:
    actions.invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="pat@example.org",
        by=world.chair,
    )
    make_self_sent(world)
    call, _ = TABLE[action]
    someone = person(world, who)
    before = state()
    with pytest.raises(Refused) as refused:
        call(world, someone, who)
    assert state() == before
    if action == "invitation_accept" and who == "admin":
        assert refused.value.rule_name == "accounts.accept_invitation_from_another"
