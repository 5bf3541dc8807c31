"""The network admin's list pages make a fixed number of queries: the same with 1 row as with
10 times as many."""

from collections.abc import Callable

import pytest
from django.urls import reverse

from peerpower.groups.models import Membership
from peerpower.issues.models import Protocol, ProtocolStep
from peerpower.networks.models import AgendaTemplateItem, Organisation, Partner, Venue
from tests import factories
from tests.conftest import ClientFor, World
from tests.test_query_counts import count_queries

FOOD_BANK = "Food Bank"


def grow(world: World, times: int) -> None:
    """Venues lent by partners, organisations with members, protocols with steps, segments."""
    organisation = Organisation.objects.get_or_create(network=world.network, name=FOOD_BANK)[0]
    start = Venue.objects.count()
    for n in range(start, start + times):
        partner = Partner.objects.create(network=world.network, name=f"Partner {n}")
        Venue.objects.create(
            network=world.network, partner=partner, name=f"Room {n}", address="1 Road"
        )
        Venue.objects.create(
            network=world.network, partner=partner, name=f"Hall {n}", address="2 Road"
        )
        factories.make_group(world.network, venue=Venue.objects.get(name=f"Room {n}"))
        org = Organisation.objects.create(network=world.network, name=f"Organisation {n}")
        member = factories.add_member(world.group)
        Membership.objects.filter(pk=member.pk).update(organisation=org)
        Membership.objects.filter(pk=factories.add_member(world.other_group).pk).update(
            organisation=organisation
        )
        protocol = Protocol.objects.create(network=world.network, name=f"Protocol {n}")
        for position in range(3):
            ProtocolStep.objects.create(
                protocol=protocol, position=position, name="Step", minutes=5, cue="Cue"
            )
        AgendaTemplateItem.objects.create(
            network=world.network, position=n, title=f"Segment {n}", minutes=10
        )


def organisation_url(world: World) -> str:
    organisation = Organisation.objects.get_or_create(network=world.network, name=FOOD_BANK)[0]
    return reverse("networks:organisation_edit", args=[world.network.slug, organisation.pk])


PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    # name: (who looks, url, pinned query count)
    "venues": ("admin", lambda w: reverse("networks:venues", args=[w.network.slug]), 6),
    "partners": ("admin", lambda w: reverse("networks:partners", args=[w.network.slug]), 7),
    "organisations": (
        "admin",
        lambda w: reverse("networks:organisations", args=[w.network.slug]),
        6,
    ),
    "an organisation and its members": ("admin", organisation_url, 6),
    "protocols": ("admin", lambda w: reverse("networks:protocols", args=[w.network.slug]), 7),
    "agenda template": ("admin", lambda w: reverse("networks:agenda", args=[w.network.slug]), 5),
    "my organisation": ("member", lambda w: reverse("networks:my_organisation"), 5),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_network_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    client = client_for(getattr(world, role))
    url = url_of(world)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow(world, 1)
    small = count_queries(client, url)
    grow(world, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)
