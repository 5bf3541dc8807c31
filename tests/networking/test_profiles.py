"""Profiles: the defaults, each part's visibility, networking off, photos checked by their
content and served only to those who may see them, and bad input beside its field."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.networking import actions
from peerpower.networking.models import Profile, Visibility
from peerpower.networking.queries import card_for, profiles_visible_to, viewer_card
from tests.conftest import ClientFor, World
from tests.networking.conftest import image_bytes, make_profile, png


def test_a_new_profile_shows_name_and_organisation_to_the_network_and_the_rest_to_the_group(
    world: World,
) -> None:
    profile = actions.profile_start(network=world.network, by=world.member)
    assert profile.name_visibility == profile.organisation_visibility == Visibility.NETWORK
    assert {
        getattr(profile, f"{part}_visibility")
        for part in ("photo", "headline", "biography", "help", "seek", "links")
    } == {Visibility.GROUP}
    assert profile.enabled and profile.introductions_open and not profile.digest


def test_each_part_reaches_exactly_its_audience(world: World) -> None:
    profile = make_profile(
        world.member,
        world.network,
        organisation="Northside Youth",
        headline="Youth work",
        headline_visibility=Visibility.NETWORK,
        biography="Twenty years in youth work",
        biography_visibility=Visibility.GROUP,
        help_tags=["Volunteers"],
        help_text="Recruiting volunteers",
        help_visibility=Visibility.NOBODY,
    )
    chair = viewer_card(world.chair, profile)
    other = viewer_card(world.other_member, profile)
    me = viewer_card(world.member, profile)
    assert (chair.headline, chair.biography, chair.help_tags) == (
        "Youth work",
        "Twenty years in youth work",
        [],
    )
    assert (other.headline, other.biography, other.help_text) == ("Youth work", "", "")
    assert other.organisation is not None and other.organisation.name == "Northside Youth"
    assert (me.help_tags, me.help_text) == (["Volunteers"], "Recruiting volunteers")


def test_a_name_for_the_group_only_hides_the_person_from_the_rest_of_the_network(
    world: World,
) -> None:
    make_profile(world.member, world.network, name_visibility=Visibility.GROUP)
    assert [p.user for p in profiles_visible_to(world.chair, world.network)] == [world.member]
    assert list(profiles_visible_to(world.other_member, world.network)) == []
    assert list(profiles_visible_to(world.admin, world.network)) == []


def test_networking_off_takes_the_person_out_of_the_directory_but_not_their_own_page(
    world: World, client_for: ClientFor
) -> None:
    profile = make_profile(world.member, world.network, enabled=False)
    assert list(profiles_visible_to(world.chair, world.network)) == []
    url = reverse("networking:profile", args=[profile.pk])
    assert client_for(world.chair).get(url).status_code == 404
    assert client_for(world.member).get(url).status_code == 200


def test_nobody_outside_the_network_sees_any_profile(world: World, client_for: ClientFor) -> None:
    profile = make_profile(world.member, world.network)
    url = reverse("networking:profile", args=[profile.pk])
    for who in (world.guest, world.former_member, world.outsider):
        assert list(profiles_visible_to(who, world.network)) == []
        assert client_for(who).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_a_photo_is_made_square_and_small_and_served_to_its_audience_only(
    world: World, client_for: ClientFor
) -> None:
    profile = make_profile(world.member, world.network)
    actions.photo_set(profile=profile, upload=png(size=(1600, 900)), by=world.member)
    profile.refresh_from_db()
    with default_storage.open(profile.photo) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (400, 400))
    url = reverse("networking:photo", args=[profile.pk])
    response = client_for(world.chair).get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert client_for(world.other_member).get(url).status_code == 404


def test_the_old_photo_is_deleted_when_replaced(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    profile = make_profile(world.member, world.network)
    with django_capture_on_commit_callbacks(execute=True):
        actions.photo_set(profile=profile, upload=png(), by=world.member)
    first = profile.photo
    with django_capture_on_commit_callbacks(execute=True):
        actions.photo_set(profile=profile, upload=png(), by=world.member)
    assert not default_storage.exists(first)
    assert default_storage.exists(profile.photo)


def _post_profile(client_for: ClientFor, world: World, **extra: object) -> str:
    url = reverse("networking:own_profile", args=[world.network.slug])
    data = {
        "enabled": "on",
        "name_visibility": "network",
        "organisation_visibility": "network",
        "photo_visibility": "group",
        "headline_visibility": "group",
        "biography_visibility": "group",
        "help_visibility": "group",
        "seek_visibility": "group",
        "links_visibility": "group",
        "introductions_open": "on",
        **extra,
    }
    response = client_for(world.member).post(url, data)
    return response.content.decode() if response.status_code != 302 else "saved"


def _error_beside(html: str, field: str) -> str:
    marker = f'id="id_{field}_error"'
    assert marker in html, html[:3000]
    start = html.index(marker)
    return html[html.index(">", start) + 1 : html.index("</div>", start)].strip()


def test_a_file_that_is_not_an_image_is_refused_beside_the_photo(
    world: World, client_for: ClientFor
) -> None:
    fake = SimpleUploadedFile("me.png", b"%PDF-1.4 not a photo at all", content_type="image/png")
    html = _post_profile(client_for, world, photo_file=fake)
    assert "not a photo we can read" in _error_beside(html, "photo_file")
    assert not Profile.objects.filter(user=world.member).exclude(photo="").exists()


def test_a_50_mb_photo_is_refused_beside_the_photo(world: World, client_for: ClientFor) -> None:
    big = SimpleUploadedFile("big.jpg", image_bytes("JPEG", (10, 10)) + b"\0" * (50 * 1024 * 1024))
    html = _post_profile(client_for, world, photo_file=big)
    assert _error_beside(html, "photo_file") == "Choose a photo of at most 5 MB."


def test_a_linkedin_address_elsewhere_is_refused_beside_it(
    world: World, client_for: ClientFor
) -> None:
    html = _post_profile(client_for, world, linkedin="https://example.org/me")
    assert _error_beside(html, "linkedin") == "Give the address of your LinkedIn page."


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_kind_of_photo_is_accepted(world: World, client_for: ClientFor, kind: str) -> None:
    upload = SimpleUploadedFile(f"me.{kind.lower()}", image_bytes(kind))
    assert _post_profile(client_for, world, photo_file=upload) == "saved"
    assert Profile.objects.get(user=world.member).photo.endswith(".jpg")


def test_a_profile_card_never_holds_what_its_viewer_may_not_see(world: World) -> None:
    profile = make_profile(
        world.member,
        world.network,
        phone="07700 900123",
        linkedin="https://www.linkedin.com/in/maya",
    )
    card = card_for(profile, shared=False, is_self=False)
    assert "07700" not in repr(card) and world.member.email not in repr(card)
    assert card.linkedin == ""
