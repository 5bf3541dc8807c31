"""Each list page makes a fixed number of queries: the same with 1 row as with 10 times as many."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts.actions import invitation_create
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import NetworkRole
from tests import factories
from tests.conftest import ClientFor, World


def grow(world: World, times: int) -> None:
    """Add members, replies, attendance, groups, network roles and invitations."""
    past = list(Meeting.objects.filter(group=world.group, starts_at__lt=timezone.now()))
    upcoming = list(Meeting.objects.filter(group=world.group, starts_at__gt=timezone.now()))
    for n in range(times):
        user = factories.add_member(world.group).user
        Participation.objects.bulk_create(
            [
                Participation(meeting=m, user=user, rsvp="attending", attendance="present")
                for m in past[-12:]
            ]
            + [
                Participation(
                    meeting=upcoming[0], user=user, rsvp="apologies", apology_reason="Board meeting"
                )
            ]
        )
        factories.make_group(world.network, venue=None)
        NetworkRole.objects.create(
            network=world.network, user=factories.make_user(), role=NetworkRole.Role.COACH
        )
        invitation_create(
            network=world.network,
            group=world.group,
            role="member",
            email=f"grow{n}@example.org",
            by=world.chair,
        )
    # the chair and member also belong to more groups
    for _ in range(times // 3):
        group = factories.make_group(world.network)
        factories.add_member(group, world.member)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    # name: (who looks, url, pinned query count)
    "home as member": ("member", lambda w: reverse("home"), 11),
    "home as chair": ("chair", lambda w: reverse("home"), 10),
    "group list as admin": ("admin", lambda w: reverse("groups:list"), 5),
    "group page as chair": ("chair", lambda w: reverse("groups:detail", args=[w.group.pk]), 13),
    "meeting page as member": (
        "member",
        lambda w: reverse("meetings:detail", args=[w.next_meeting().pk]),
        10,
    ),
    "network page as admin": (
        "admin",
        lambda w: reverse("networks:detail", args=[w.network.slug]),
        7,
    ),
    "calendar feed": (
        "anonymous",
        lambda w: reverse("meetings:feed", args=[w.member.calendar_token]),
        3,
    ),
    "attendance as chair": (
        "chair",
        lambda w: reverse(
            "meetings:attendance",
            args=[Meeting.objects.filter(group=w.group, starts_at__lt=timezone.now()).last().pk],  # type: ignore[union-attr]
        ),
        8,
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    client = client_for(getattr(world, role, None))
    url = url_of(world)
    client.get(url)  # the first request of a session also stores the MFA check in it
    invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="one@example.org",
        by=world.chair,
    )
    small = count_queries(client, url)
    grow(world, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)
