"""The agenda editor posts back what it shows: no empty extra row, reorder and remove by
position and tick (the browser test drives the same with the editor's buttons)."""

from django.urls import reverse

from tests.conftest import ClientFor, World
from tests.htmlforms import form_data

DEFAULT = [
    ("Arrival and check-in", 30),
    ("Expert speaker", 60),
    ("Break", 15),
    ("Issues session", 90),
    ("Networking and lunch", 45),
]


def test_the_editor_shows_one_labelled_group_per_segment_and_no_empty_row(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    response = client_for(world.chair).get(reverse("meetings:agenda", args=[meeting.pk]))
    assert response.status_code == 200
    data = form_data(response.content, containing="agenda-TOTAL_FORMS")
    assert data["agenda-TOTAL_FORMS"] == "5"
    assert [data[f"agenda-{i}-title"] for i in range(5)] == [t for t, _ in DEFAULT]
    assert "agenda-5-title" not in data
    html = response.content.decode()
    assert html.count("<fieldset") == 6  # five segments and the template for a new one
    assert '<label class="form-label" for="id_agenda-0-minutes">Minutes</label>' in html
    assert "(optional)" not in html
    assert "09:30–10:00" in html  # the first segment's times, shown before any script runs
    assert "Ends at 13:30, when the meeting ends." in html


def test_saving_an_unchanged_agenda_keeps_it(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    client = client_for(world.chair)
    url = reverse("meetings:agenda", args=[meeting.pk])
    data = form_data(client.get(url).content, containing="agenda-TOTAL_FORMS")
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("title", "minutes")) == DEFAULT


def test_one_minute_value_changed_is_saved(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    client = client_for(world.chair)
    url = reverse("meetings:agenda", args=[meeting.pk])
    data = form_data(client.get(url).content, containing="agenda-TOTAL_FORMS")
    data["agenda-1-minutes"] = "45"
    assert client.post(url, data).status_code == 302
    assert list(meeting.agenda_items.values_list("title", "minutes")) == [
        DEFAULT[0],
        ("Expert speaker", 45),
        *DEFAULT[2:],
    ]


def test_positions_reorder_and_the_tick_removes(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    client = client_for(world.chair)
    url = reverse("meetings:agenda", args=[meeting.pk])
    data = form_data(client.get(url).content, containing="agenda-TOTAL_FORMS")
    data["agenda-2-DELETE"] = "on"  # the break
    data["agenda-3-ORDER"], data["agenda-1-ORDER"] = "2", "4"  # issues before the speaker
    assert client.post(url, data).status_code == 302
    assert list(meeting.agenda_items.values_list("title", "minutes")) == [
        ("Arrival and check-in", 30),
        ("Issues session", 90),
        ("Expert speaker", 60),
        ("Networking and lunch", 45),
    ]


def test_a_bad_length_is_shown_beside_its_field_and_nothing_is_saved(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    client = client_for(world.chair)
    url = reverse("meetings:agenda", args=[meeting.pk])
    data = form_data(client.get(url).content, containing="agenda-TOTAL_FORMS")
    data["agenda-1-minutes"] = "0"
    data["agenda-0-title"] = "Coffee first"
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div class="invalid-feedback d-block" id="id_agenda-1-minutes_error">'
        "A segment lasts at least 1 minute.</div>"
    ) in html
    assert 'value="Coffee first"' in html  # what was typed is kept
    assert list(meeting.agenda_items.values_list("title", "minutes")) == DEFAULT
