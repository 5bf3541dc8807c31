"""Every webhooks action that takes `by` refuses the people the rules refuse, before it
writes. The table must name every such public function of `webhooks.actions`, so an action
added without a row here (and so, likely, without a check) fails
`test_every_action_taking_by_is_in_the_table`."""

from collections.abc import Callable

import pytest

from peerpower.accounts.models import User
from peerpower.webhooks import actions
from peerpower.webhooks.models import Delivery, Endpoint
from tests.conftest import World
from tests.refusals import actions_taking_by, assert_refused

Call = Callable[[World, User], object]
# Everyone but the network's admin: its chairs and members, its coach and speaker, a guest,
# a sponsor's contact, a former member and someone from outside.
NOT_ADMINS = (
    "chair",
    "member",
    "coach",
    "speaker",
    "guest",
    "sponsor",
    "former_member",
    "outsider",
)


def _endpoint() -> Endpoint:
    return Endpoint.objects.get()


TABLE: dict[str, tuple[Call, tuple[str, ...]]] = {
    "endpoint_create": (
        lambda w, who: actions.endpoint_create(
            network=w.network,
            url="http://127.0.0.1:9/other",
            events=["meeting.changed"],
            description="",
            by=who,
        ),
        NOT_ADMINS,
    ),
    "endpoint_update": (
        lambda w, who: actions.endpoint_update(
            endpoint=_endpoint(),
            url="http://127.0.0.1:9/elsewhere",
            events=["invoice.paid"],
            description="Mine now",
            active=True,
            by=who,
        ),
        NOT_ADMINS,
    ),
    "endpoint_secret_replace": (
        lambda w, who: actions.endpoint_secret_replace(endpoint=_endpoint(), by=who),
        NOT_ADMINS,
    ),
    "endpoint_delete": (
        lambda w, who: actions.endpoint_delete(endpoint=_endpoint(), by=who),
        NOT_ADMINS,
    ),
    "endpoint_test": (
        lambda w, who: actions.endpoint_test(endpoint=_endpoint(), by=who),
        NOT_ADMINS,
    ),
}
CASES = [(name, person) for name, (_, people) in sorted(TABLE.items()) for person in people]


def test_every_action_taking_by_is_in_the_table() -> None:
    assert actions_taking_by(actions) == sorted(TABLE)


def _snapshot() -> object:
    return (
        list(Endpoint.objects.values_list("pk", "url", "events", "secret", "active")),
        Delivery.objects.count(),
    )


@pytest.mark.parametrize(("action", "who"), CASES)
def test_the_rules_refuse_them(world: World, action: str, who: str) -> None:
    actions.endpoint_create(
        network=world.network,
        url="http://127.0.0.1:9/hook",
        events=["meeting.changed"],
        description="CRM",
        by=world.admin,
    )
    call, _ = TABLE[action]
    assert_refused(
        lambda by: call(world, by),
        [(who, lambda w: getattr(w, who))],
        world,
        _snapshot,
        rule_name="webhooks.manage",
    )
