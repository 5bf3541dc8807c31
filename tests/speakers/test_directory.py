"""The directory: search, each filter, the sorts and the pages, as the chair uses them."""

from django.urls import reverse

from peerpower.speakers.models import Booking, FeedbackResponse, Speaker, Topic
from tests.conftest import ClientFor, World
from tests.speakers.conftest import held_talk


def names(client: object, world: World, **query: str) -> list[str]:
    response = client.get(reverse("speakers:directory", args=[world.network.slug]), query)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return [s.name for s in response.context["page"].object_list]


def test_search_filters_and_sorts(world: World, client_for: ClientFor) -> None:
    boards = Topic.objects.create(network=world.network, name="Boards")
    ada = Speaker.objects.create(
        network=world.network, name="Ada", format="online", fee="fee", regions=",east,"
    )
    ada.topics.add(boards)
    Speaker.objects.create(
        network=world.network,
        name="Bea",
        format="in_person",
        regions=",north-east,",
        biography="Reserves and cash flow",
    )
    Speaker.objects.create(network=world.network, name="Cy", format="both", tags="mergers, HR")
    held = held_talk(world)  # Sid Speaker, with a confirmed talk held two days ago
    for _ in range(3):
        FeedbackResponse.objects.create(booking=held.booking, score_1=5, score_2=4)
    client = client_for(world.chair)
    assert names(client, world) == ["Sid Speaker", "Ada", "Bea", "Cy"]  # rated first
    assert names(client, world, sort="name") == ["Ada", "Bea", "Cy", "Sid Speaker"]
    assert names(client, world, sort="last_booked")[0] == "Sid Speaker"
    assert names(client, world, q="cash reserves") == ["Bea"]
    assert names(client, world, q="mergers") == ["Cy"]
    assert names(client, world, topic=str(boards.pk)) == ["Ada"]
    assert names(client, world, region="east") == ["Ada"]  # not North East
    # "online" includes those who do both (as Sid's profile does by default)
    assert names(client, world, format="online", sort="name") == ["Ada", "Cy", "Sid Speaker"]
    assert names(client, world, format="in_person", sort="name") == ["Bea", "Cy", "Sid Speaker"]
    assert names(client, world, format="both", sort="name") == ["Cy", "Sid Speaker"]
    assert names(client, world, fee="fee") == ["Ada"]
    assert names(client, world, rating="4") == ["Sid Speaker"]  # unrated speakers drop out
    assert names(client, world, rating="4.5") == ["Sid Speaker"]  # (5 + 4) / 2, from 3
    for n in range(25):
        Speaker.objects.create(network=world.network, name=f"Zed {n:02}")
    second = client.get(
        reverse("speakers:directory", args=[world.network.slug]), {"sort": "name", "page": "2"}
    )
    html = second.content.decode()
    assert "Page 2 of 2" in html and "?sort=name&amp;page=1" in html
    assert Booking.objects.count() == 1
