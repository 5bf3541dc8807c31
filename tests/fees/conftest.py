"""Fee fixtures: the world's network with invoice details and a four-band plan, and the
world's member on a place (their organisation's income £250,000: the £1,500 band)."""

from dataclasses import dataclass

import pytest

from peerpower.fees.models import FeePlan, Place
from peerpower.groups.models import Membership
from tests.conftest import World
from tests.fees import builders


@dataclass
class Fees:
    world: World
    plan: FeePlan
    place: Place
    seat: Membership


@pytest.fixture
def fees(world: World) -> Fees:
    builders.invoice_details(world.network, world.admin)
    plan = builders.plan(world.network, world.admin)
    seat = world.group.memberships.get(user=world.member)
    place = builders.place(seat, plan, world.admin, income=250_000)
    return Fees(world, plan, place, seat)
