"""Pinned query counts: the tokens page and the API's lists do not grow with their rows."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerpower.api.actions import token_create
from peerpower.api.models import AccessToken
from peerpower.meetings.actions import rsvp_set
from tests import factories
from tests.conftest import ClientFor, World

CACHE_TABLE = f'"{settings.CACHES["default"].get("LOCATION", "")}"'


def _count(client: Client, url: str, **params: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.content)
    # The shared cache's own statements (the rate limit's counter: SQL with its savepoints on
    # the one-machine set-up, none on Redis) are not the page's.
    return len(
        [
            q
            for q in ctx.captured_queries
            if CACHE_TABLE not in q["sql"] and "SAVEPOINT" not in q["sql"].upper()
        ]
    )


def _grow(world: World, times: int) -> None:
    """More tokens, members, replies: what the pages and lists below list."""
    for n in range(times):
        token_create(
            by=world.member,
            network=world.network,
            name=f"Token {n}",
            access="read",
            expires_on=timezone.localdate() + timedelta(days=30),
        )
        factories.add_member(world.group)
    for meeting in world.group.meetings.filter(starts_at__gt=timezone.now())[:times]:
        rsvp_set(meeting=meeting, by=world.member, rsvp="attending")


# name: (url, pinned): the token's lookup, the owner's access, the count and the page (the
# memberships: the group first); last use is written at most once a minute, so not here.
API: dict[str, tuple[Callable[[World], str], int]] = {
    "groups": (lambda w: "/api/v1/groups", 4),
    "memberships": (lambda w: f"/api/v1/groups/{w.group.pk}/memberships", 5),
    "meetings": (lambda w: "/api/v1/meetings", 4),
    "meeting with its agenda": (lambda w: f"/api/v1/meetings/{w.next_meeting().pk}", 4),
    "rsvps": (lambda w: "/api/v1/rsvps", 4),
}


@pytest.mark.parametrize("name", sorted(API))
def test_api_lists_do_not_grow_with_rows(name: str, world: World) -> None:
    _, raw = token_create(
        by=world.member,
        network=world.network,
        name="Counted",
        access="read",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url_of, pinned = API[name]
    url = url_of(world)
    client.get(url)  # notes the token's last use
    small = _count(client, url, limit=100)
    _grow(world, 10)
    large = _count(client, url, limit=100)
    assert (small, large) == (pinned, pinned)


def test_the_tokens_page_does_not_grow_with_tokens(world: World, client_for: ClientFor) -> None:
    client = client_for(world.member)
    url = reverse("api:tokens")
    client.get(url)  # the first request of a session also stores the MFA check in it
    token_create(
        by=world.member,
        network=world.network,
        name="First",
        access="read",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    small = _count(client, url)
    _grow(world, 10)
    assert AccessToken.objects.filter(user=world.member).count() == 11
    large = _count(client, url)
    assert (small, large) == (7, 7)
