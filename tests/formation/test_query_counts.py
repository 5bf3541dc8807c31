"""The formation pages make a fixed number of queries: the same for a pool of 18 as for one
three times as big (with a run over all of them, and two possible competitor pairs either
way)."""

from collections.abc import Callable

import pytest
from django.urls import reverse

from peerpower.formation.models import Candidate, Run
from tests.conftest import ClientFor, World
from tests.formation import builders
from tests.test_query_counts import count_queries


def _world_of(world: World, n: int) -> Run:
    run = builders.finished_run(world.network, world.admin, n=n, prefix=f"Q{n}")
    for first in list(run.candidates.order_by("pk"))[:2]:
        Candidate.objects.create(
            network=world.network,
            name=f"Twin of {first.name}",
            email=f"twin.{first.pk}@example.org",
            organisation=f"Twin {first.pk}",
            sector=first.sector,
            size_band=first.size_band,
            region=first.region,
        )
    return run


PAGES: dict[str, tuple[Callable[[World, Run], str], int]] = {
    # the request's own (session, user, access) and the pool, its applications to import,
    # the pool again with the decisions on possible competitors, the runs and their groups
    "pool": (lambda w, run: reverse("formation:pool", args=[w.network.slug]), 10),
    # the request's own, the run with its groups (and their group and venue), its candidates,
    # the kept members, what members avoid, the decisions, the count on the accept button
    "run": (lambda w, run: reverse("formation:run", args=[w.network.slug, run.pk]), 11),
    # the request's own and the run with its groups: the polled partial
    "progress": (lambda w, run: reverse("formation:progress", args=[w.network.slug, run.pk]), 6),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_formation_page_runs_the_same_queries_for_a_bigger_pool(
    page: str, world: World, client_for: ClientFor
) -> None:
    url, pinned = PAGES[page]
    client = client_for(world.admin)
    small = _world_of(world, 16)
    client.get(url(world, small))  # the session's first request stores its MFA check
    few = count_queries(client, url(world, small))
    Run.objects.all().delete()
    big = _world_of(world, 30)
    many = count_queries(client, url(world, big))
    assert (few, many) == (pinned, pinned)
