"""The network admin's other set-up pages: partners, the agenda template, issue protocols and
the network's settings."""

from typing import Any

from django.urls import reverse

from peerpower.groups.models import PeerGroup
from peerpower.issues.models import Protocol, ProtocolStep
from peerpower.meetings.actions import series_generate
from peerpower.meetings.models import AgendaItem, Meeting
from peerpower.networks.models import DEFAULT_AGENDA, AgendaTemplateItem, Network, Partner, Venue
from tests import factories
from tests.conftest import ClientFor, World


def formset_data(prefix: str, rows: list[dict[str, Any]], initial: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
    return data


# --------------------------------------------------------------------------- partners


def test_admin_adds_edits_and_deletes_a_partner(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    slug = world.network.slug
    response = client.post(
        reverse("networks:partner_create", args=[slug]),
        {"name": "The Common Room", "website": "example.org/common", "notes": ""},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(network=world.network)
    assert partner.website == "https://example.org/common"
    venue = Venue.objects.get(network=world.network)
    venue.partner = partner
    venue.save()
    client.post(
        reverse("networks:partner_edit", args=[slug, partner.pk]),
        {"name": "The Common Room Trust", "website": partner.website, "notes": "Lends rooms."},
    )
    partner.refresh_from_db()
    assert (partner.name, partner.notes) == ("The Common Room Trust", "Lends rooms.")
    url = reverse("networks:partner_delete", args=[slug, partner.pk])
    assert "Its venues stay, with no partner named: The Common Room." in (
        client.get(url).content.decode()
    )
    assert client.post(url).status_code == 302
    venue.refresh_from_db()
    assert venue.partner is None


# --------------------------------------------------------------------------- agenda template


def test_the_agenda_form_saves_unchanged_without_touching_the_blank_row(
    world: World, client_for: ClientFor
) -> None:
    """The blank row for a new segment is ignored when left empty (the meeting agenda's bug)."""
    client = client_for(world.admin)
    url = reverse("networks:agenda", args=[world.network.slug])
    page = client.get(url)
    assert page.context["built_in"] is True
    rows = [
        {"title": t, "kind": k, "minutes": str(m), "ORDER": str(n + 1)}
        for n, (t, k, m) in enumerate(DEFAULT_AGENDA)
    ]
    blank = {"title": "", "kind": "other", "minutes": "", "ORDER": ""}
    response = client.post(url, formset_data("segment", [*rows, blank], initial=0))
    assert response.status_code == 302
    assert [
        (r.position, r.title, r.kind, r.minutes)
        for r in AgendaTemplateItem.objects.filter(network=world.network)
    ] == [(n, t, k, m) for n, (t, k, m) in enumerate(DEFAULT_AGENDA)]


def test_the_agenda_template_reorders_removes_and_adds_and_new_meetings_get_it(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.admin)
    url = reverse("networks:agenda", args=[world.network.slug])
    rows = [
        {"title": "Welcome", "kind": "arrival", "minutes": "20", "ORDER": "2"},
        {"title": "Speaker", "kind": "speaker", "minutes": "60", "ORDER": "1"},
        {"title": "Break", "kind": "break", "minutes": "15", "ORDER": "3", "DELETE": "on"},
        {"title": "Issues", "kind": "issues", "minutes": "120", "ORDER": ""},
    ]
    response = client.post(url, formset_data("segment", rows, initial=3))
    assert response.status_code == 302
    assert list(
        AgendaTemplateItem.objects.filter(network=world.network).values_list("title", "minutes")
    ) == [("Speaker", 60), ("Welcome", 20), ("Issues", 120)]
    group = factories.make_group(world.network, "New group", generate=False)
    series_generate(group=group, notify=False)
    meeting = Meeting.objects.filter(group=group).first()
    assert meeting is not None
    assert list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("title")
    ) == [("Speaker",), ("Welcome",), ("Issues",)]


def test_an_agenda_longer_than_eight_hours_is_refused_and_kept_on_the_page(
    world: World, client_for: ClientFor
) -> None:
    rows = [
        {"title": "Long talk", "kind": "speaker", "minutes": "300", "ORDER": "1"},
        {"title": "Longer issues", "kind": "issues", "minutes": "240", "ORDER": "2"},
    ]
    response = client_for(world.admin).post(
        reverse("networks:agenda", args=[world.network.slug]),
        formset_data("segment", rows, initial=0),
    )
    assert response.status_code == 200
    assert response.context["action_errors"] == ["The agenda lasts 540 minutes; the most is 480."]
    assert "Longer issues" in response.content.decode()
    assert not AgendaTemplateItem.objects.filter(network=world.network).exists()


# --------------------------------------------------------------------------- protocols


def step_rows() -> list[dict[str, Any]]:
    return [
        {"name": "Present", "minutes": "5", "cue": "Presenter only", "ORDER": "1"},
        {"name": "Questions", "minutes": "10", "cue": "Questions only — no advice yet"},
        {"name": "", "minutes": "", "cue": "", "ORDER": ""},
    ]


def test_admin_adds_a_protocol_and_a_group_can_use_it(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    data = {"name": "Quick clinic", "description": "For short sessions"}
    data |= formset_data("step", step_rows(), initial=0)
    response = client.post(reverse("networks:protocol_create", args=[world.network.slug]), data)
    assert response.status_code == 302
    protocol = Protocol.objects.get(name="Quick clinic")
    assert protocol.network == world.network
    assert list(protocol.steps.values_list("position", "name", "minutes", "cue")) == [
        (0, "Present", 5, "Presenter only"),
        (1, "Questions", 10, "Questions only — no advice yet"),
    ]
    listing = client.get(reverse("networks:protocols", args=[world.network.slug]))
    assert [p.name for p in listing.context["page"]][:1] == ["Quick clinic"]
    assert {p.name for p in listing.context["page"] if p.network_id is None} == {
        "Action learning set",
        "Issue processing",
    }


def test_a_protocol_step_without_a_cue_is_refused(world: World, client_for: ClientFor) -> None:
    rows = [{"name": "Present", "minutes": "5", "cue": "", "ORDER": "1"}]
    data = {"name": "Quick clinic", "description": ""} | formset_data("step", rows, initial=0)
    response = client_for(world.admin).post(
        reverse("networks:protocol_create", args=[world.network.slug]), data
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {"cue": ["This field is required."]}
    assert not Protocol.objects.filter(name="Quick clinic").exists()


def test_a_protocol_with_no_steps_is_refused_above_the_form(
    world: World, client_for: ClientFor
) -> None:
    rows = [{"name": "", "minutes": "", "cue": "", "ORDER": ""}]
    data = {"name": "Empty", "description": ""} | formset_data("step", rows, initial=0)
    response = client_for(world.admin).post(
        reverse("networks:protocol_create", args=[world.network.slug]), data
    )
    assert response.context["form"].non_field_errors() == ["A protocol needs at least one step."]


def test_admin_edits_a_protocol_and_cannot_delete_one_in_use(
    world: World, client_for: ClientFor
) -> None:
    protocol = Protocol.objects.create(network=world.network, name="Clinic")
    ProtocolStep.objects.create(protocol=protocol, position=0, name="Talk", minutes=5, cue="Go")
    client = client_for(world.admin)
    slug = world.network.slug
    rows = [{"name": "Talk", "minutes": "7", "cue": "Go", "ORDER": "1"}]
    data = {"name": "Clinic", "description": "Shorter"} | formset_data("step", rows, initial=1)
    assert (
        client.post(reverse("networks:protocol_edit", args=[slug, protocol.pk]), data).status_code
        == 302
    )
    assert list(protocol.steps.values_list("minutes", flat=True)) == [7]
    PeerGroup.objects.filter(pk=world.group.pk).update(protocol=protocol)
    url = reverse("networks:protocol_delete", args=[slug, protocol.pk])
    response = client.post(url)
    assert response.status_code == 409
    assert "Clinic cannot be deleted: Tuesday Leaders uses it." in response.content.decode()
    PeerGroup.objects.filter(pk=world.group.pk).update(protocol=None)
    assert client.post(url).status_code == 302
    assert not Protocol.objects.filter(pk=protocol.pk).exists()


def test_built_in_protocols_cannot_be_edited(world: World, client_for: ClientFor) -> None:
    built_in = Protocol.objects.filter(network=None).first()
    assert built_in is not None
    url = reverse("networks:protocol_edit", args=[world.network.slug, built_in.pk])
    assert client_for(world.admin).get(url).status_code == 404


# --------------------------------------------------------------------------- settings


def test_admin_changes_retention_and_contact(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).post(
        reverse("networks:settings", args=[world.network.slug]),
        {
            "name": "Northbridge",
            "contact_email": "hello@northbridge.example",
            "time_zone": "Europe/Dublin",
            "issue_retention_months": "6",
        },
    )
    assert response.status_code == 302
    network = Network.objects.get(pk=world.network.pk)
    assert (network.contact_email, network.time_zone, network.issue_retention_months) == (
        "hello@northbridge.example",
        "Europe/Dublin",
        6,
    )


def test_retention_of_zero_months_is_refused_beside_the_field(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.admin).post(
        reverse("networks:settings", args=[world.network.slug]),
        {
            "name": "Northbridge",
            "contact_email": "",
            "time_zone": "UTC",
            "issue_retention_months": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "issue_retention_months": ["Ensure this value is greater than or equal to 1."]
    }
    assert Network.objects.get(pk=world.network.pk).issue_retention_months == 12


def test_the_network_page_links_to_its_set_up_not_the_django_admin(
    world: World, client_for: ClientFor
) -> None:
    page = client_for(world.admin).get(reverse("networks:detail", args=[world.network.slug]))
    html = page.content.decode()
    assert "/admin/" not in html
    for name in ("venues", "partners", "organisations", "agenda", "protocols", "settings"):
        assert reverse(f"networks:{name}", args=[world.network.slug]) in html


def test_a_zone_saved_under_an_old_alias_is_offered_as_its_zone(
    world: World, client_for: ClientFor
) -> None:
    Network.objects.filter(pk=world.network.pk).update(time_zone="GB")
    response = client_for(world.admin).get(reverse("networks:settings", args=[world.network.slug]))
    assert response.context["form"].initial["time_zone"] == "Europe/London"
    assert '<option value="Europe/London" selected>' in response.content.decode()
