"""Each list page makes a fixed number of queries: the same with 1 row as with 10 times as many."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts.actions import invitation_create
from peerpower.groups.actions import membership_propose
from peerpower.groups.models import Membership
from peerpower.guests.models import ConflictFinding
from peerpower.issues import actions as issues
from peerpower.issues.models import CommitmentStatus, Issue, IssueView, Note
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import NetworkRole
from tests import factories
from tests.conftest import ClientFor, World
from tests.guests import builders as guest_builders


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
        # waiting for the chair's decision (home and the group page)
        membership_propose(group=world.group, email=f"proposed{n}@example.org", by=world.admin)
    # the chair and member also belong to more groups
    for _ in range(times // 3):
        group = factories.make_group(world.network)
        factories.add_member(group, world.member)


# The shared cache is a database table on the one-machine set-up and Redis on the many-machine
# one, so its lookups are SQL on one leg and not on the other: the pins count the page's own
# queries, not the cache's.
CACHE_TABLE = f'"{settings.CACHES["default"].get("LOCATION", "")}"'


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len([q for q in ctx.captured_queries if CACHE_TABLE not in q["sql"]])


PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    # name: (who looks, url, pinned query count)
    # +1: the member's own issues carried over (issues.queries.carried_over_of); +1 everywhere
    # a meeting's agenda is shown: its confirmed speaker (speakers.Booking). The issues reads
    # ask the database nothing while the person holds no pledged seat (issues.queries._seats
    # answers from their access): 12 -> 10 here; with one, see "with issues" below.
    # +1 on every home page: the surveys waiting for the person (impact.queries).
    "home as member": ("member", lambda w: reverse("home"), 11),
    # The chair's "what next?": replies missing (and whether they were chased today, a
    # ReplyReminder row), issues to order, attendance, size (+6); the network's proposals
    # waiting for them (+1); their own carried-over issues, as for any member (+1); the next
    # meeting's confirmed speaker (+1). Unpledged here, so the issue counts and commitments
    # ask nothing (20 -> 17).
    "home as chair": ("chair", lambda w: reverse("home"), 18),
    # Across the network: next meetings with reply rates, invitations, chairs and sizes.
    "home as admin": ("admin", lambda w: reverse("home"), 8),
    "home as coach": ("coach", lambda w: reverse("home"), 5),
    "group list as admin": ("admin", lambda w: reverse("groups:list"), 5),
    # 10: the membership history is one query (proposals come with the invitations); the
    # chair's own membership comes from the member list (was 11)
    "group page as chair": ("chair", lambda w: reverse("groups:detail", args=[w.group.pk]), 10),
    # A member sees their own attendance record (their meetings, then their replies: +2); their
    # own membership comes from the member list (was 10).
    "group page as member": ("member", lambda w: reverse("groups:detail", args=[w.group.pk]), 9),
    # +1: the member's suggested conversations (networking.queries.suggestions_for)
    "meeting page as member": (
        "member",
        lambda w: reverse("meetings:detail", args=[w.next_meeting().pk]),
        9,
    ),
    "network page as admin": (
        "admin",
        lambda w: reverse("networks:detail", args=[w.network.slug]),
        7,
    ),
    "calendar feed": (
        "anonymous",
        lambda w: reverse("meetings:feed", args=[w.member.calendar_token]),
        4,
    ),
    "attendance as chair": (
        "chair",
        lambda w: reverse(
            "meetings:attendance",
            args=[Meeting.objects.filter(group=w.group, starts_at__lt=timezone.now()).last().pk],  # type: ignore[union-attr]
        ),
        7,
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


def grow_issues(world: World, times: int) -> None:
    """Issues with backing, notes, commitments reported back, and check-ins, from many members."""
    meeting = world.next_meeting()
    earlier = Meeting.objects.filter(group=world.group, starts_at__lt=meeting.starts_at).order_by(
        "starts_at"
    )
    later = Meeting.objects.filter(group=world.group, starts_at__gt=meeting.starts_at).order_by(
        "starts_at"
    )[0]
    for n in range(times):
        user = factories.add_member(world.group).user
        Membership.objects.filter(user=user).update(pledge_accepted_at=timezone.now())
        issue = issues.issue_submit(meeting=meeting, presenter=user, question=f"How do I {n}?")
        issues.issue_back(issue=issue, user=world.member)
        issues.update_submit(meeting=meeting, user=user, work=5, personal=6, comment="ok")
        old = Issue.objects.create(
            group=world.group, meeting=earlier[0], presenter=user, question="Old?"
        )
        commitment = issues.commitment_record(
            issue=old, by=user, text="Do it", due_on=timezone.localdate() + timedelta(days=5)
        )
        issues.commitment_report(
            commitment=commitment, by=user, status=CommitmentStatus.IN_PROGRESS, report="Going"
        )
        IssueView.objects.create(issue=issue, user=world.member)
        Note.objects.create(issue=issue, author=world.chair, text="A point")
        # the member's own issues carried over to the meeting after (home lists them)
        Issue.objects.create(
            group=world.group,
            meeting=later,
            carried_from=meeting,
            presenter=world.member,
            status=Issue.Status.PARKED,
            question=f"Carried {n}?",
        )


ISSUE_PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    # Home with issues to order, commitments and carried-over issues to list: as above with
    # the issues reads asked (everyone here has accepted the pledge), less the pledge
    # reminder's query.
    "home as member, with issues": ("member", lambda w: reverse("home"), 12),
    "home as chair, with issues": ("chair", lambda w: reverse("home"), 20),
    "issues session as member": (
        "member",
        lambda w: reverse("issues:meeting", args=[w.next_meeting().pk]),
        11,
    ),
    # No issue in hand yet, so none is looked up (was 11).
    "room as chair": ("chair", lambda w: reverse("issues:room", args=[w.next_meeting().pk]), 10),
    "commitments as member": ("member", lambda w: reverse("issues:commitments"), 4),
    "access log as member": (
        "member",
        lambda w: reverse("issues:access_log", args=[w.group.pk]),
        6,  # the pager's count: the log is paged, no longer cut at 300 rows
    ),
}


@pytest.mark.parametrize("page", sorted(ISSUE_PAGES))
def test_issue_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = ISSUE_PAGES[page]
    Membership.objects.filter(user__in=[world.member, world.chair]).update(
        pledge_accepted_at=timezone.now()
    )
    client = client_for(getattr(world, role))
    url = url_of(world)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow_issues(world, 1)
    small = count_queries(client, url)
    grow_issues(world, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)


# --------------------------------------------------------------------------- guests


def grow_guests(world: World, times: int) -> None:
    """Listed groups with meetings, and requests through every step (findings included)."""
    for n in range(times):
        group = factories.make_group(world.network, venue=None)
        guest_builders.list_group(group)
        guest_builders.list_group(world.group)
        request = guest_builders.confirmed(world.network, name=f"Grown {n}")
        ConflictFinding.objects.create(
            request=request,
            group=world.group,
            membership=world.group.memberships.get(user=world.member),
            kind="competitor",
            reason="Also in housing.",
        )
        guest_builders.submit(world.network)
        meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now())[0]
        guest_builders.invited(world.network, meeting, world.admin)


def count_public(client: Client, url: str) -> int:
    """The page's own queries, cold: what the first visitor after a change costs. The database
    cache's write wraps itself in a savepoint (one-machine leg only), which is the cache's."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(
        [
            q
            for q in ctx.captured_queries
            if CACHE_TABLE not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
    )


GUEST_PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    # The network, its settings, the listed groups, their meetings, the places taken; the
    # published price list (fees: none here, so neither its bands nor the VAT setting).
    # (Warm, from the cache: tests/guests/test_public_page.py.)
    "public page, cold": (
        "anonymous",
        lambda w: reverse("guests:public", args=[w.network.slug]),
        6,
    ),
    # Session, user, access, the network; the pager's count and the page of requests.
    "triage as admin": ("admin", lambda w: reverse("guests:triage", args=[w.network.slug]), 6),
    # Session, user, access, the network; the year's requests in one query.
    "funnel as admin": ("admin", lambda w: reverse("guests:funnel", args=[w.network.slug]), 5),
}


@pytest.mark.parametrize("page", sorted(GUEST_PAGES))
def test_guest_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = GUEST_PAGES[page]
    client = client_for(getattr(world, role, None))
    url = url_of(world)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow_guests(world, 1)
    small = count_public(client, url)
    grow_guests(world, 10)
    large = count_public(client, url)
    assert (small, large) == (pinned, pinned)
