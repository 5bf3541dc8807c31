"""An htmx request that needs a log-in or a second factor sends the whole page there and back."""

from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import ClientFor, World


def poll(client: Client, world: World, page: str) -> tuple[int, str]:
    meeting = world.next_meeting()
    response = client.get(
        reverse("issues:room_state", args=[meeting.pk]),
        {"v": "0"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=page,
    )
    return response.status_code, response.headers.get("HX-Redirect", "")


def test_a_poll_after_the_session_ended_sends_the_page_to_log_in_and_back(
    world: World, client_for: ClientFor
) -> None:
    room = reverse("issues:room", args=[world.next_meeting().pk])
    status, target = poll(client_for(None), world, f"http://testserver{room}")
    assert (status, target) == (200, f"/accounts/login/?next={room.replace('/', '%2F')}")


def test_the_way_back_is_only_ever_to_this_site(world: World, client_for: ClientFor) -> None:
    status, target = poll(client_for(None), world, "https://elsewhere.example.org/phish/")
    assert (status, target) == (200, "/accounts/login/")


def test_a_poll_by_someone_who_must_set_up_a_second_factor_goes_there(
    world: World, client_for: ClientFor
) -> None:
    new_chair = factories.make_user("New Chair")  # a chair without two-factor yet
    other = factories.make_group(world.network, "Friday Forum")
    factories.add_member(other, new_chair, role="chair")
    room = reverse("issues:room", args=[world.next_meeting().pk])
    status, target = poll(client_for(new_chair), world, f"http://testserver{room}")
    assert status == 200
    assert target.startswith(reverse("mfa_required"))


def test_ordinary_requests_are_still_redirected(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    response = client_for(None).get(reverse("issues:room_state", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "HX-Redirect" not in response.headers
