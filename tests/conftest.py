"""Shared role fixtures: one network with a group, and a person in each role around it."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.fees import actions as fee_actions
from peerpower.groups.models import PeerGroup
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network, NetworkRole
from tests import factories
from tests.guests import builders as guest_builders

ClientFor = Callable[[User | None], Client]


@dataclass
class World:
    network: Network
    group: PeerGroup
    other_group: PeerGroup
    admin: User
    chair: User
    member: User
    other_member: User
    former_member: User
    coach: User
    speaker: User
    outsider: User
    # Invited as a guest to the group's next meeting, pledged (tests/guests/builders.py).
    guest: User
    # The contact of a sponsor that funds places in the network (fees): no group, no role.
    sponsor: User

    def next_meeting(self) -> Meeting:
        return Meeting.objects.filter(group=self.group, starts_at__gt=timezone.now()).order_by(
            "starts_at"
        )[0]


@pytest.fixture
def world(db: None) -> World:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    group = factories.make_group(network, "Tuesday Leaders", venue=venue)
    other_group = factories.make_group(network, "Thursday Circle", weekday=3, venue=venue)
    admin = factories.make_admin(network, "Alex Admin")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    other_member = factories.add_member(other_group, factories.make_user("Olu Other")).user
    former_member = factories.add_member(
        group, factories.make_user("Fran Former"), status="left"
    ).user
    coach = factories.make_user("Cora Coach")
    NetworkRole.objects.create(network=network, user=coach, role=NetworkRole.Role.COACH)
    speaker = factories.make_user("Sid Speaker")
    NetworkRole.objects.create(network=network, user=speaker, role=NetworkRole.Role.SPEAKER)
    outsider = factories.make_user("Out Sider")
    factories.make_past_meeting(group)
    next_meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    _, guest = guest_builders.guest_user(network, next_meeting, admin)
    sponsor = factories.make_user("Sam Sponsor")
    fee_actions.sponsor_create(network=network, name="Local Funder", by=admin).contacts.add(sponsor)
    return World(
        network,
        group,
        other_group,
        admin,
        chair,
        member,
        other_member,
        former_member,
        coach,
        speaker,
        outsider,
        guest,
        sponsor,
    )


@pytest.fixture
def client_for(db: None) -> ClientFor:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (rate-limit counters). The database cache is rolled
    back with each test's transaction; Redis outlives it, so it is emptied here."""
    from django.conf import settings
    from django.core.cache import cache

    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()


@pytest.fixture
def builtin_protocols(transactional_db: None) -> None:
    """The built-in issue protocols, which a data migration makes. A transactional test empties
    the database after it, data-migration rows included, and pytest-django runs those tests
    last: a later transactional test that needs the protocols asks for this fixture."""
    from importlib import import_module

    from django.apps import apps

    from peerpower.issues.models import Protocol

    if not Protocol.objects.filter(network=None).exists():
        migration = import_module("peerpower.issues.migrations.0002_builtin_protocols")
        migration.add_protocols(apps, None)
