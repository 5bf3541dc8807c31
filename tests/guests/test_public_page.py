"""The network's public page: what it shows (and never), its title and description, who
edits it, and its cache."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerpower.guests import actions
from peerpower.guests.models import GroupGuestSettings
from tests.conftest import ClientFor, World
from tests.guests import builders
from tests.guests.conftest import Sends


def test_the_page_lists_groups_that_take_guests_with_dates_and_places_but_no_member(
    world: World, client_for: ClientFor
) -> None:
    builders.list_group(world.group, places=2)
    page = client_for(None).get(reverse("guests:public", args=[world.network.slug]))
    html = page.content.decode()
    assert "<title>Come as a guest · Northbridge · Peer Power</title>" in html
    assert '<meta name="description" content="Northbridge runs small, confidential peer' in html
    assert "Tuesday Leaders" in html and "Thursday Circle" not in html
    assert "2nd Tuesday, monthly, 09:30–13:30" in html
    # The next meeting: the world's guest holds one of the two places.
    assert f"{world.next_meeting().starts_at:%A %-d %B %Y} (1 place left)" in html
    for person in (world.member, world.chair, world.admin, world.guest):
        assert person.name not in html and person.email not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html


def test_the_admin_edits_the_text_and_which_groups_appear(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    url = reverse("guests:public", args=[world.network.slug])
    anonymous = client_for(None)
    assert "Thursday Circle" not in anonymous.get(url).content.decode()  # now cached
    admin = client_for(world.admin)
    with sends():
        admin.post(
            reverse("guests:group_settings", args=[world.network.slug, world.other_group.pk]),
            {"listed": "on", "places": "3", "area": "Leeds"},
        )
        admin.post(
            reverse("guests:settings", args=[world.network.slug]),
            {
                "published": "on",
                "intro": "We meet monthly.",
                "costs": "£300 a year, bursaries available.",
                "privacy_notice": "Private.",
                "decline_message": "Sorry.",
                "retention_months": "12",
            },
        )
    html = anonymous.get(url).content.decode()
    assert "Thursday Circle" in html and "Leeds" in html
    assert "£300 a year, bursaries available." in html
    assert GroupGuestSettings.objects.get(group=world.other_group).places == 3


def test_a_warm_page_is_served_from_the_cache_in_one_query_at_most(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("guests:public", args=[world.network.slug])
    anonymous = client_for(None)
    cold = anonymous.get(url)
    with CaptureQueriesContext(connection) as warm_queries:
        warm = anonymous.get(url)
    assert warm.content == cold.content
    # The database cache of the one-machine set-up reads one row; Redis none.
    assert len(warm_queries) <= 1
    assert "public" in warm["Cache-Control"]
    assert cache.get(actions.public_page_key(world.network.slug)) == cold.content


def test_an_unpublished_network_has_no_public_page(world: World, client_for: ClientFor) -> None:
    actions.guest_settings_update(
        network=world.network, values={"published": False}, by=world.admin
    )
    assert (
        client_for(None).get(reverse("guests:public", args=[world.network.slug])).status_code == 404
    )
    form = reverse("guests:request_form", args=[world.network.slug])
    assert client_for(None).get(form).status_code == 404
