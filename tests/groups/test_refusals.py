"""Every groups action that takes `by` refuses the people the rules refuse, before it writes.

A table of action by person. The table must name every public function of `groups.actions`
that takes `by`, so an action added without a row here (and so, likely, without a check)
fails `test_every_action_taking_by_is_in_the_table`. A superuser is refused everywhere: the
flag opens nothing of a group.
"""

import inspect
from collections.abc import Callable
from datetime import date, time

import pytest

from peerpower.accounts.models import Invitation, User
from peerpower.groups import actions
from peerpower.groups.models import Membership, MembershipEvent, PeerGroup
from peerpower.lib.rules import Refused
from tests import factories
from tests.conftest import World

Call = Callable[[World, User], object]


def proposal(world: World) -> Membership:
    return Membership.objects.get(group=world.group, user__email="pat@example.org")


def own(world: World) -> Membership:
    return Membership.objects.get(group=world.group, user=world.member)


TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "group_create": (
        lambda w, who: actions.group_create(
            network=w.network,
            name="Friday Forum",
            week_of_month=2,
            weekday=4,
            start_time=time(9, 30),
            end_time=time(13, 30),
            series_start=date(2030, 1, 1),
            time_zone="Europe/London",
            chair_email="cat@example.org",
            by=who,
        ),
        ("chair", "member", "coach", "outsider", "superuser"),
    ),
    "group_update": (
        lambda w, who: actions.group_update(group=w.group, by=who, name="Renamed"),
        ("member", "other_member", "former_member", "coach", "superuser"),
    ),
    "membership_propose": (
        lambda w, who: actions.membership_propose(group=w.group, email="new@example.org", by=who),
        ("chair", "member", "coach", "outsider", "superuser"),
    ),
    "membership_approve": (
        lambda w, who: actions.membership_approve(membership=proposal(w), by=who),
        ("admin", "member", "other_member", "proposed", "superuser"),
    ),
    "membership_decline": (
        lambda w, who: actions.membership_decline(membership=proposal(w), by=who),
        ("admin", "member", "other_member", "proposed", "superuser"),
    ),
    "chair_replace": (
        lambda w, who: actions.chair_replace(
            group=w.group, email="rae@example.org", old_chair_becomes="member", by=who
        ),
        ("chair", "member", "coach", "outsider", "superuser"),
    ),
    "membership_set_status": (
        lambda w, who: actions.membership_set_status(
            membership=own(w), status=Membership.Status.PAUSED, by=who
        ),
        ("other_member", "former_member", "coach", "outsider", "superuser"),
    ),
    "pledge_accept": (
        lambda w, who: actions.pledge_accept(membership=own(w), by=who),
        ("chair", "admin", "other_member", "superuser"),
    ),
    "membership_leave": (
        lambda w, who: actions.membership_leave(membership=own(w), by=who),
        ("chair", "admin", "other_member", "superuser"),
    ),
}

CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


def takes_by(module: object) -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_")
        and fn.__module__ == actions.__name__
        and "by" in inspect.signature(fn).parameters
    }


def test_every_action_taking_by_is_in_the_table() -> None:
    assert takes_by(actions) == set(TABLE)


def person(world: World, who: str) -> User:
    if who == "superuser":
        user = factories.make_user("Super User", mfa=True)
        user.is_staff = user.is_superuser = True
        user.save()
        return user
    if who == "proposed":
        return proposal(world).user
    named: User = getattr(world, who)
    return named


def state() -> tuple[object, ...]:
    return (
        list(PeerGroup.objects.values_list("pk", "name")),
        list(
            Membership.objects.values_list("pk", "user_id", "role", "status", "pledge_accepted_at")
        ),
        list(Invitation.objects.values_list("pk", "user_id", "role")),
        MembershipEvent.objects.count(),
    )


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(world: World, action: str, who: str) -> None:
    actions.membership_propose(group=world.group, email="pat@example.org", by=world.admin)
    call, _ = TABLE[action]
    someone = person(world, who)
    before = state()
    with pytest.raises(Refused):
        call(world, someone)
    assert state() == before
