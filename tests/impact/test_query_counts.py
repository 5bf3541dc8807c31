"""The dashboards ask the database a fixed number of queries, however many answers there
are."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.conftest import ClientFor, World
from tests.impact.builders import closed_round, outcome_pairs

PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    "outcomes": ("admin", lambda w: reverse("impact:outcomes", args=[w.network.slug]), 12),
    "group health": ("chair", lambda w: reverse("impact:group_health", args=[w.group.pk]), 9),
    "progress": ("member", lambda w: reverse("impact:progress"), 12),
    "surveys": ("member", lambda w: reverse("impact:mine"), 6),
}


def _grow(world: World, n: int) -> None:
    outcome_pairs(world.group, [(2, 3)] * n)
    people = [factories.add_member(world.group).user for _ in range(n)]
    closed_round(world.group, "after_meeting", {p: {"worth": 7} for p in people})
    closed_round(
        world.group,
        "group_health",
        {},
        anonymous_answers=[{"trust": 4, "confidentiality": 4, "heard": 4, "chair": 4}] * n,
    )
    closed_round(world.group, "baseline", {world.member: {"confidence": 3}}, days_ago=100 + n)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_dashboard_asks_the_same_number_of_queries_however_many_answers(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    client = client_for(getattr(world, role))
    url = url_of(world)
    client.get(url)  # the session's first request stores the MFA check
    counts = []
    for n in (5, 20):
        _grow(world, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [pinned, pinned], counts
