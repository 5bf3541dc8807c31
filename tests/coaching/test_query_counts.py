"""The coaching pages make a fixed number of queries: the same with 1 row as with 10 times as
many (engagements, sessions of every kind, notes, goals with progress)."""

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse

from peerpower.coaching.models import Goal, GoalUpdate, Session, SessionNote
from tests import factories
from tests.coaching import builders
from tests.coaching.builders import CoachingWorld, at, coaching_world, day_ahead
from tests.conftest import ClientFor, World
from tests.test_query_counts import count_queries

_n = iter(range(1, 10_000))


def grow(scene: CoachingWorld, world: World, times: int) -> None:
    for _ in range(times):
        n = next(_n)
        other = builders.engagement(scene.profile, factories.add_member(world.group).user)
        for i, e in enumerate((scene.engagement, other)):
            # One coach: the two engagements a month apart, so no two sessions overlap (on
            # PostgreSQL the exclusion constraint refuses an overlap, buffer included), and in
            # the evening, after the latest of coaching_world's daytime sessions has ended
            # (theirs run 09:00-17:00 on days that move further out as a worker runs tests).
            starts = at(day_ahead(50 + n % 30 + 31 * i), 18) + timedelta(minutes=15 * (n % 20))
            for status, late, offset in (
                ("held", False, -60),
                ("cancelled", True, 0),
                ("booked", False, 1),
            ):
                begins = starts + timedelta(days=offset)
                session = Session.objects.create(
                    engagement=e, coach=world.coach, member=e.member, starts_at=begins,
                    ends_at=begins + timedelta(minutes=45),
                    blocked_until=begins + timedelta(minutes=60),
                    status=status, late=late, idempotency_key=uuid.uuid4(),
                )  # fmt: skip
                SessionNote.objects.create(
                    session=session, author=world.coach, kind="shared", text="n"
                )
            goal = Goal.objects.create(engagement=e, title=f"Goal {n}")
            GoalUpdate.objects.create(goal=goal, by=e.member, text="ok", rating=3)


# The session, its user and access (3) come first on every page; the engagement's allowance
# reads its sessions once (prefetched); goals come with their updates and commitments.
PAGES: dict[str, tuple[str, Callable[[CoachingWorld, World], str], int]] = {
    "home as member": ("member", lambda s, w: reverse("coaching:home"), 6),
    "home as coach": ("coach", lambda s, w: reverse("coaching:home"), 6),
    "engagement as member": (
        "member",
        lambda s, w: reverse("coaching:engagement", args=[s.engagement.pk]),
        9,
    ),
    "engagement as coach": (
        "coach",
        lambda s, w: reverse("coaching:engagement", args=[s.engagement.pk]),
        8,
    ),
    "engagement as admin": (
        "admin",
        lambda s, w: reverse("coaching:engagement", args=[s.engagement.pk]),
        7,
    ),
    "book as member": ("member", lambda s, w: reverse("coaching:book", args=[s.engagement.pk]), 9),
    "session as coach": ("coach", lambda s, w: reverse("coaching:session", args=[s.session.pk]), 7),
    "manage as admin": (
        "admin",
        lambda s, w: reverse("coaching:manage", args=[w.network.slug]),
        14,  # the network's list of areas in its own form, besides the engagement form's
    ),
    "utilisation as admin": (
        "admin",
        lambda s, w: reverse("coaching:utilisation", args=[w.network.slug]),
        7,
    ),
    "profile as coach": (
        "coach",
        lambda s, w: reverse("coaching:profile", args=[w.network.slug]),
        11,
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_coaching_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    scene = coaching_world(world)
    client = client_for(getattr(world, role))
    url = url_of(scene, world)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow(scene, world, 1)
    small = count_queries(client, url)
    grow(scene, world, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)
