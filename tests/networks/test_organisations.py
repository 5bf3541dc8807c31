"""Member organisations: the admin's pages, and each member choosing or adding their own."""

from django.urls import reverse

from peerpower.groups.models import Membership
from peerpower.networks.models import Organisation
from tests import factories
from tests.conftest import ClientFor, World


def make_org(world: World, name: str = "Riverside Food Bank") -> Organisation:
    return Organisation.objects.create(network=world.network, name=name, sector="community")


def test_admin_adds_an_organisation(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).post(
        reverse("networks:organisation_create", args=[world.network.slug]),
        {
            "name": "Canal Arts Collective",
            "registered_number": "1179981",
            "sector": "arts",
            "size_band": "small",
            "region": "london",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Canal Arts Collective")
    assert (org.network, org.registered_number, org.sector, org.size_band) == (
        world.network,
        "1179981",
        "arts",
        "small",
    )


def test_the_organisation_page_lists_its_current_members(
    world: World, client_for: ClientFor
) -> None:
    org = make_org(world)
    Membership.objects.filter(user__in=[world.member, world.former_member]).update(organisation=org)
    response = client_for(world.admin).get(
        reverse("networks:organisation_edit", args=[world.network.slug, org.pk])
    )
    assert [(m.user, m.group) for m in response.context["members"]] == [(world.member, world.group)]
    assert "Maya Member" in response.content.decode()
    listing = client_for(world.admin).get(
        reverse("networks:organisations", args=[world.network.slug])
    )
    assert [(o.name, o.member_count) for o in listing.context["page"]] == [
        ("Riverside Food Bank", 1)
    ]


def test_an_organisation_someone_leads_is_not_deleted(world: World, client_for: ClientFor) -> None:
    org = make_org(world)
    Membership.objects.filter(user=world.member).update(organisation=org)
    url = reverse("networks:organisation_delete", args=[world.network.slug, org.pk])
    response = client_for(world.admin).post(url)
    assert response.status_code == 409
    assert (
        "Riverside Food Bank cannot be deleted: 1 current member leads it."
        in response.content.decode()
    )
    Membership.objects.filter(user=world.member).update(organisation=None)
    assert client_for(world.admin).post(url).status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()


def test_a_member_chooses_their_organisation(world: World, client_for: ClientFor) -> None:
    org = make_org(world)
    make_org(world, "Second Chance Bikes")
    client = client_for(world.member)
    url = reverse("networks:my_organisation")
    page = client.get(url)
    assert page.status_code == 200
    prefix = f"choose-{world.network.slug}"
    response = client.post(
        url, {"network": world.network.slug, "choose": "1", f"{prefix}-organisation": org.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=world.member, group=world.group).organisation == org
    again = client.get(url)
    assert again.context["sections"][0]["choose"].initial == {"organisation": org.pk}
    assert "Your organisation is saved." in again.content.decode()


def test_a_member_adds_their_organisation_when_it_is_not_listed(
    world: World, client_for: ClientFor
) -> None:
    second = factories.make_group(world.network, "Second group")
    factories.add_member(second, world.member)
    prefix = f"add-{world.network.slug}"
    response = client_for(world.member).post(
        reverse("networks:my_organisation"),
        {
            "network": world.network.slug,
            "add": "1",
            f"{prefix}-name": "Little Seeds Nursery CIC",
            f"{prefix}-registered_number": "",
            f"{prefix}-sector": "education",
            f"{prefix}-size_band": "micro",
            f"{prefix}-region": "east",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Little Seeds Nursery CIC")
    assert (org.network, org.sector, org.size_band, org.region) == (
        world.network,
        "education",
        "micro",
        "east",
    )
    # Both of the member's groups in the network show it; nobody else's changed.
    assert sorted(
        Membership.objects.filter(organisation=org).values_list("group__name", flat=True)
    ) == ["Second group", "Tuesday Leaders"]


def test_adding_an_organisation_that_exists_chooses_it_instead(
    world: World, client_for: ClientFor
) -> None:
    org = make_org(world)
    prefix = f"add-{world.network.slug}"
    client_for(world.member).post(
        reverse("networks:my_organisation"),
        {
            "network": world.network.slug,
            "add": "1",
            f"{prefix}-name": "riverside food bank",
            f"{prefix}-sector": "other",
            f"{prefix}-size_band": "small",
            f"{prefix}-region": "london",
        },
    )
    assert Organisation.objects.filter(network=world.network).count() == 1
    assert Membership.objects.get(user=world.member).organisation == org


def test_an_organisation_of_another_network_cannot_be_chosen(
    world: World, client_for: ClientFor
) -> None:
    elsewhere = Organisation.objects.create(network=factories.make_network(), name="Elsewhere")
    prefix = f"choose-{world.network.slug}"
    response = client_for(world.member).post(
        reverse("networks:my_organisation"),
        {"network": world.network.slug, "choose": "1", f"{prefix}-organisation": elsewhere.pk},
    )
    assert response.status_code == 200
    assert list(response.context["sections"][0]["choose"].errors) == ["organisation"]
    assert Membership.objects.get(user=world.member).organisation is None


def test_people_in_no_group_are_told_why_there_is_nothing_to_choose(
    world: World, client_for: ClientFor
) -> None:
    for person in (world.outsider, world.coach, world.former_member, world.admin):
        response = client_for(person).get(reverse("networks:my_organisation"))
        assert response.context["sections"] == []
        assert "Once you join a group" in response.content.decode()


def test_a_form_sent_for_a_network_the_person_is_not_in_saves_nothing(
    world: World, client_for: ClientFor
) -> None:
    org = make_org(world)
    elsewhere = factories.make_network("Elsewhere")
    for sent in ({"network": elsewhere.slug, "choose": "1"}, {"network": "", "choose": "1"}):
        response = client_for(world.member).post(
            reverse("networks:my_organisation"),
            {**sent, f"choose-{world.network.slug}-organisation": org.pk},
        )
        assert response.status_code == 200
        assert not response.context["sections"][0]["choose"].is_bound
    assert Membership.objects.get(user=world.member, group=world.group).organisation is None
