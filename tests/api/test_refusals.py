"""Every api action that takes `by` refuses the people the rules refuse, before it writes. The
table must name every such public function of `api.actions`, so an action added without a row
here (and so, likely, without a check) fails `test_every_action_taking_by_is_in_the_table`."""

import inspect
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.api import actions
from peerpower.api.models import AccessToken
from peerpower.lib.rules import Refused
from tests.conftest import World

Call = Callable[[World, User], object]

TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    # Only people with a place or a role in the network (not a former member, an outsider,
    # a guest or a sponsor's contact).
    "token_create": (
        lambda w, who: actions.token_create(
            by=who,
            network=w.network,
            name="CRM",
            access="read",
            expires_on=timezone.localdate() + timedelta(days=7),
        ),
        ("outsider", "former_member", "guest", "sponsor"),
    ),
    # The member's token: nobody else revokes it, not the chair, not the network's admin.
    "token_revoke": (
        lambda w, who: actions.token_revoke(by=who, token=AccessToken.objects.get()),
        ("outsider", "chair", "admin", "other_member", "coach", "former_member"),
    ),
}
CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


def takes_by() -> set[str]:
    return {
        name
        for name, function in inspect.getmembers(actions, inspect.isfunction)
        if function.__module__ == actions.__name__
        and not name.startswith("_")
        and "by" in inspect.signature(function).parameters
    }


def test_every_action_taking_by_is_in_the_table() -> None:
    assert takes_by() == set(TABLE)


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(world: World, action: str, who: str) -> None:
    actions.token_create(
        by=world.member,
        network=world.network,
        name="Member's",
        access="read",
        expires_on=timezone.localdate() + timedelta(days=7),
    )
    before = list(AccessToken.objects.values_list("pk", "revoked_at").order_by("pk"))
    call, _ = TABLE[action]
    with pytest.raises(Refused):
        call(world, getattr(world, who))
    assert list(AccessToken.objects.values_list("pk", "revoked_at").order_by("pk")) == before
