"""The network keeps the list of areas coaches work in: it begins with the usual ones; its
admins add, rename and remove them; an area an engagement works on stays."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerpower.coaching import actions
from peerpower.coaching.models import DEFAULT_AREAS, Area
from peerpower.networks.models import Network
from tests.coaching.conftest import Coaching
from tests.conftest import ClientFor, World


def names(network: Network) -> list[str]:
    return list(Area.objects.filter(network=network).values_list("name", flat=True))


def test_a_network_begins_with_the_usual_areas_when_coaching_begins(world: World) -> None:
    assert names(world.network) == []
    actions.settings_for(world.network)
    assert names(world.network) == sorted(DEFAULT_AREAS)


def test_a_coachs_first_profile_has_the_networks_areas_to_choose_from(
    world: World, client_for: ClientFor
) -> None:
    page = client_for(world.coach).get(reverse("coaching:profile", args=[world.network.slug]))
    assert page.status_code == 200
    assert "Governance and the board" in page.content.decode()


def test_the_admin_adds_renames_and_removes_areas(coaching: Coaching) -> None:
    network, admin = coaching.world.network, coaching.world.admin
    actions.areas_set(
        network=network, names=["finance", "  Trading   income ", "Wellbeing", ""], by=admin
    )
    assert sorted(names(network)) == ["Trading income", "Wellbeing", "finance"]


def test_an_area_an_engagement_works_on_is_kept(coaching: Coaching) -> None:
    network, admin = coaching.world.network, coaching.world.admin
    finance = Area.objects.get(network=network, name="Finance")
    coaching.engagement.areas.add(finance)
    with pytest.raises(ValidationError) as error:
        actions.areas_set(network=network, names=["Wellbeing"], by=admin)
    assert error.value.message_dict == {"names": ["Keep Finance: an engagement works on it."]}
    assert "Finance" in names(network)


def test_no_areas_is_refused_beside_the_field(coaching: Coaching, client_for: ClientFor) -> None:
    slug = coaching.world.network.slug
    response = client_for(coaching.world.admin).post(
        reverse("coaching:areas", args=[slug]), {"names": " \n \n"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_names_error"' in html
    assert "This field is required." in html
    assert names(coaching.world.network) == sorted(DEFAULT_AREAS)


def test_an_area_too_long_is_refused(coaching: Coaching) -> None:
    with pytest.raises(ValidationError) as error:
        actions.areas_set(network=coaching.world.network, names=["x" * 61], by=coaching.world.admin)
    assert list(error.value.message_dict) == ["names"]
