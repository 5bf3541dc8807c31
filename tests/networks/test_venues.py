"""The network admin's venue pages: list, add, edit, and a delete that refuses a venue in use."""

from django.urls import reverse

from peerpower.groups.models import PeerGroup
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Partner, Venue
from tests import factories
from tests.conftest import ClientFor, World


def test_admin_adds_a_venue_with_access_notes(world: World, client_for: ClientFor) -> None:
    partner = Partner.objects.create(network=world.network, name="Hub Trust")
    client = client_for(world.admin)
    response = client.post(
        reverse("networks:venue_create", args=[world.network.slug]),
        {
            "name": "Hub, Room 4",
            "address": "2 Quay Road\nLeeds",
            "access_notes": "Lift to the 2nd floor.",
            "partner": partner.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("networks:venues", args=[world.network.slug])
    venue = Venue.objects.get(name="Hub, Room 4")
    assert (venue.network, venue.address, venue.access_notes, venue.partner) == (
        world.network,
        "2 Quay Road\nLeeds",
        "Lift to the 2nd floor.",
        partner,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Hub, Room 4 is added." in page
    assert "Lift to the 2nd floor." in page
    assert "Lent by Hub Trust" in page


def test_a_second_venue_of_the_same_name_is_refused_beside_the_field(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.admin).post(
        reverse("networks:venue_create", args=[world.network.slug]),
        {"name": "the common room", "address": "Elsewhere", "access_notes": "Typed notes"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["There is already a venue called “the common room”."]
    }
    assert "Typed notes" in response.content.decode()  # the typed text is kept
    assert Venue.objects.filter(network=world.network).count() == 1


def test_a_partner_of_another_network_is_not_offered(world: World, client_for: ClientFor) -> None:
    other = Partner.objects.create(network=factories.make_network(), name="Elsewhere Ltd")
    response = client_for(world.admin).post(
        reverse("networks:venue_create", args=[world.network.slug]),
        {"name": "New", "address": "1 Road", "partner": other.pk},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["partner"]
    assert not Venue.objects.filter(name="New").exists()


def test_admin_edits_a_venue(world: World, client_for: ClientFor) -> None:
    venue = Venue.objects.get(network=world.network)
    response = client_for(world.admin).post(
        reverse("networks:venue_edit", args=[world.network.slug, venue.pk]),
        {"name": venue.name, "address": venue.address, "access_notes": "Ring 'Meeting rooms'."},
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.access_notes == "Ring 'Meeting rooms'."


def test_a_venue_in_use_is_not_deleted_and_the_page_says_why(
    world: World, client_for: ClientFor
) -> None:
    venue = Venue.objects.get(network=world.network)
    meetings = Meeting.objects.filter(venue=venue).count()
    url = reverse("networks:venue_delete", args=[world.network.slug, venue.pk])
    client = client_for(world.admin)
    page = client.get(url).content.decode()
    assert (
        "The Common Room cannot be deleted: it is the default venue of Thursday Circle and"
        " Tuesday Leaders (choose another on the group&#x27;s page first);"
        f" {meetings} meetings are held there" in page
    )
    response = client.post(url)
    assert response.status_code == 409
    assert Venue.objects.filter(pk=venue.pk).exists()


def test_an_unused_venue_is_deleted_after_confirming(world: World, client_for: ClientFor) -> None:
    venue = factories.make_venue(world.network, "Spare Room")
    url = reverse("networks:venue_delete", args=[world.network.slug, venue.pk])
    client = client_for(world.admin)
    assert "This deletes the venue for good." in client.get(url).content.decode()
    assert Venue.objects.filter(pk=venue.pk).exists()  # a GET deletes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not Venue.objects.filter(pk=venue.pk).exists()


def test_the_venue_list_pages_by_25(world: World, client_for: ClientFor) -> None:
    for n in range(30):
        factories.make_venue(world.network, f"Room {n:02}")
    client = client_for(world.admin)
    url = reverse("networks:venues", args=[world.network.slug])
    first = client.get(url)
    assert len(first.context["page"].object_list) == 25
    second = client.get(url + "?page=2")
    assert [v.name for v in second.context["page"].object_list] == [
        "Room 25",
        "Room 26",
        "Room 27",
        "Room 28",
        "Room 29",
        "The Common Room",
    ]
    assert "Page 2 of 2" in second.content.decode()


def test_venues_of_another_network_are_a_404(world: World, client_for: ClientFor) -> None:
    other = factories.make_network()
    venue = factories.make_venue(other, "Far Away")
    client = client_for(world.admin)
    assert client.get(reverse("networks:venues", args=[other.slug])).status_code == 404
    assert (
        client.get(reverse("networks:venue_edit", args=[world.network.slug, venue.pk])).status_code
        == 404
    )
    assert PeerGroup.objects.filter(default_venue=venue).count() == 0
