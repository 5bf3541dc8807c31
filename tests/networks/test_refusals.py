"""Every networks action that takes `by`, called by each person its rule refuses, is refused
before it writes anything. A new action that takes `by` fails here until it is in the table."""

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from peerpower.accounts.models import User
from peerpower.issues.models import Protocol, ProtocolStep
from peerpower.lib.rules import Refused
from peerpower.networks import actions
from peerpower.networks.models import AgendaTemplateItem, Organisation, Partner, Venue
from tests import factories
from tests.conftest import World

# Who is refused what: the admins' pages refuse everyone but the network's own admins; a
# member's own organisation refuses everyone who is not in one of the network's groups.
NOT_ADMINS = ("member", "chair", "other_admin", "coach", "superuser")
NOT_MEMBERS = ("other_admin", "coach", "former_member", "outsider", "admin", "superuser")
NOT_RUNNING_IT = ("member", "other_member", "other_admin", "coach", "superuser")

Args = Callable[[World], dict[str, Any]]


def venue(w: World) -> Venue:
    return Venue.objects.get(network=w.network)


def partner(w: World) -> Partner:
    return Partner.objects.get_or_create(network=w.network, name="Hub")[0]


def organisation(w: World) -> Organisation:
    return Organisation.objects.get_or_create(network=w.network, name="Food Bank")[0]


def protocol(w: World) -> Protocol:
    made, _ = Protocol.objects.get_or_create(network=w.network, name="Clinic")
    ProtocolStep.objects.get_or_create(protocol=made, position=0, name="Go", minutes=5, cue="Go")
    return made


STEPS = [actions.Step("Talk", 5, "Talk only")]
ORG_FIELDS = {"registered_number": "", "sector": "other", "size_band": "small", "region": "london"}

CASES: dict[str, tuple[Args, tuple[str, ...]]] = {
    "venue_create": (
        lambda w: {"network": w.network, "name": "New", "address": "1 Road"},
        NOT_ADMINS,
    ),
    "venue_update": (
        lambda w: {
            "venue": venue(w),
            "name": "Renamed",
            "address": "1 Road",
            "access_notes": "",
            "partner": None,
        },
        NOT_ADMINS,
    ),
    "venue_delete": (lambda w: {"venue": factories.make_venue(w.network)}, NOT_ADMINS),
    "partner_create": (lambda w: {"network": w.network, "name": "New"}, NOT_ADMINS),
    "partner_update": (
        lambda w: {"partner": partner(w), "name": "Renamed", "website": "", "notes": ""},
        NOT_ADMINS,
    ),
    "partner_delete": (lambda w: {"partner": partner(w)}, NOT_ADMINS),
    "organisation_create": (
        lambda w: {"network": w.network, "name": "New", **ORG_FIELDS},
        NOT_ADMINS,
    ),
    "organisation_update": (
        lambda w: {"organisation": organisation(w), "name": "Renamed", **ORG_FIELDS},
        NOT_ADMINS,
    ),
    "organisation_delete": (lambda w: {"organisation": organisation(w)}, NOT_ADMINS),
    "agenda_template_replace": (
        lambda w: {"network": w.network, "segments": [actions.Segment("All", "other", 60)]},
        NOT_ADMINS,
    ),
    "protocol_create": (
        lambda w: {"network": w.network, "name": "New", "description": "", "steps": STEPS},
        NOT_ADMINS,
    ),
    "protocol_update": (
        lambda w: {"protocol": protocol(w), "name": "Renamed", "description": "", "steps": STEPS},
        NOT_ADMINS,
    ),
    "protocol_delete": (lambda w: {"protocol": protocol(w)}, NOT_ADMINS),
    "network_settings_update": (
        lambda w: {
            "network": w.network,
            "name": "Renamed",
            "contact_email": "",
            "time_zone": "UTC",
            "issue_retention_months": 1,
        },
        NOT_ADMINS,
    ),
    "own_organisation_set": (
        lambda w: {"network": w.network, "organisation": organisation(w)},
        NOT_MEMBERS,
    ),
    "own_organisation_add": (
        lambda w: {"network": w.network, "name": "Mine", **ORG_FIELDS},
        NOT_MEMBERS,
    ),
    "replies_remind": (lambda w: {"meeting": w.next_meeting()}, NOT_RUNNING_IT),
}


def actions_taking_by() -> set[str]:
    return {
        name
        for name, function in inspect.getmembers(actions, inspect.isfunction)
        if function.__module__ == actions.__name__
        and not name.startswith("_")
        and "by" in inspect.signature(function).parameters
    }


def test_every_action_taking_by_is_in_the_table() -> None:
    assert actions_taking_by() == set(CASES)


def person(world: World, role: str) -> User:
    if role == "other_admin":
        return factories.make_admin(factories.make_network(), "Other Admin")
    if role == "superuser":
        return User.objects.create_superuser(email="root@example.org", password="x-long-password")
    return getattr(world, role)  # type: ignore[no-any-return]


def snapshot() -> list[int]:
    return [
        model.objects.count()
        for model in (Venue, Partner, Organisation, AgendaTemplateItem, Protocol, ProtocolStep)
    ]


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, (_, roles) in CASES.items() for role in roles]
)
def test_the_action_refuses_the_person(name: str, role: str, world: World) -> None:
    build, _ = CASES[name]
    kwargs = build(world)
    by = person(world, role)
    before = snapshot()
    with pytest.raises(Refused):
        getattr(actions, name)(**kwargs, by=by)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_action_lets_the_right_person_through(name: str, world: World) -> None:
    """The table is not refusing everyone: the network's admin (or the member) gets past."""
    build, refused = CASES[name]
    by = {NOT_MEMBERS: world.member, NOT_RUNNING_IT: world.chair}.get(refused, world.admin)
    getattr(actions, name)(**build(world), by=by)
