"""The funnel: requests through each step, by month and by group, with conversion rates and
reasons; as a chart with a table beside it, and as CSV."""

import csv
import io

from django.urls import reverse

from peerpower.guests import actions
from peerpower.guests.queries import funnel
from tests import factories
from tests.conftest import ClientFor, World
from tests.guests import builders


def test_the_funnel_counts_each_step_and_the_rates(world: World, client_for: ClientFor) -> None:
    builders.submit(world.network)  # never confirmed
    builders.confirmed(world.network)
    meeting = factories.make_past_meeting(world.group, months_ago=2)
    request, user = builders.visited(world.network, meeting, world.admin)
    actions.feedback_give(
        request=request,
        usefulness=3,
        would_join="maybe",
        held_back="cost",
        held_back_other="",
        by=user,
    )
    figures = funnel(world.network)
    # The world's guest (invited), plus these three.
    assert figures.total.counts == {
        "requests": 4,
        "confirmed": 3,
        "invited": 2,
        "visited": 1,
        "applied": 0,
        "members": 0,
    }
    assert [figures.total.rate(k) for k in ("confirmed", "invited", "visited", "applied")] == [
        "75%",
        "67%",
        "50%",
        "0%",
    ]
    assert figures.reasons == [("The cost", 1)]
    assert len(figures.months) == 12
    assert [row.label for row in figures.groups] == ["No group yet", "Tuesday Leaders"]

    admin = client_for(world.admin)
    page = admin.get(reverse("guests:funnel", args=[world.network.slug])).content.decode()
    assert '<svg class="funnel-chart"' in page
    assert "Requests 4, Confirmed 3, Invited 2, Visited 1, Applied 0, Members 0" in page
    assert "The cost: 1" in page
    rows = list(
        csv.reader(
            io.StringIO(
                admin.get(reverse("guests:funnel_csv", args=[world.network.slug])).content.decode()
            )
        )
    )
    assert rows[0] == [
        "scope",
        "row",
        "Requests",
        "Confirmed",
        "Invited",
        "Visited",
        "Applied",
        "Members",
    ]
    assert rows[1] == ["total", "All requests", "4", "3", "2", "1", "0", "0"]
    assert rows[-1] == ["reason not to join", "The cost", "1"]
