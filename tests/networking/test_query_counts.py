"""Networking's pages make a fixed number of queries: the same with 1 row as with 10 times
as many (profiles with organisations and tags, groups, introductions, posts and replies)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpower.meetings.models import Meeting
from peerpower.networking import actions
from peerpower.networking.models import Introduction, Opportunity, Profile, Suggestion
from tests import factories
from tests.conftest import ClientFor, World
from tests.networking.conftest import make_profile, make_tags
from tests.test_query_counts import count_queries

REASON = "We both run youth services and could share volunteers."


def grow(world: World, times: int) -> None:
    """People in both groups with organisations, tags and photos' settings; introductions
    asked of the member, and asked by them."""
    for _ in range(times):
        n = Profile.objects.count()
        group = world.group if n % 2 else world.other_group
        user = factories.add_member(group, factories.make_user(f"Grown Person {n}")).user
        profile = make_profile(
            user,
            world.network,
            organisation=f"Grown Organisation {n}",
            headline=f"Grown fundraising {n}",
            headline_visibility="network",
            help_tags=["Fundraising", f"Tag {n}"],
            seek_tags=["Boards"],
            help_visibility="network",
        )
        actions.introduction_request(to=member_profile(world), reason=REASON, by=user)
        Introduction.objects.create(
            network=world.network,
            requester=world.member,
            recipient=profile.user,
            reason=REASON,
        )
        theirs = actions.opportunity_post(
            network=world.network,
            fields=actions.PostFields(
                kind="tender",
                title=f"Grown tender {n}",
                description="Bid with us.",
                closes_on=timezone.localdate() + timedelta(days=20),
                tags=list(make_tags(world.network, "Fundraising", f"Tag {n}").values()),
            ),
            by=user,
        )
        actions.opportunity_reply(opportunity=member_post(world), message=REASON, by=user)
        if group == world.group:  # a conversation suggested to the member at the next meeting
            Suggestion.objects.create(
                meeting=world.next_meeting(),
                seeker=world.member,
                helper=user,
                help_phrase="Fundraising",
                seek_phrase="Fundraising",
                score=10,
            )
        actions.opportunity_reply(opportunity=theirs, message=REASON, by=world.member)


def member_profile(world: World) -> Profile:
    return Profile.objects.filter(user=world.member).first() or make_profile(
        world.member, world.network, help_tags=["Fundraising"]
    )


def member_post(world: World) -> Opportunity:
    return Opportunity.objects.filter(poster=world.member).first() or actions.opportunity_post(
        network=world.network,
        fields=actions.PostFields(
            kind="partnership",
            title="A partner",
            description="For a youth project.",
            closes_on=timezone.localdate() + timedelta(days=30),
        ),
        by=world.member,
    )


def chair_suggested(world: World) -> Meeting:
    """The next meeting, with a conversation suggested between the member and the chair."""
    meeting = world.next_meeting()
    Profile.objects.filter(user=world.chair).exists() or make_profile(world.chair, world.network)
    Suggestion.objects.get_or_create(
        meeting=meeting,
        seeker=world.member,
        helper=world.chair,
        defaults={"help_phrase": "Boards", "seek_phrase": "Boards", "score": 10},
    )
    return meeting


def first_tag(world: World) -> int:
    return member_profile(world).profile_tags.values_list("tag_id", flat=True)[0]


PAGES: dict[str, tuple[str, Callable[[World], str], int]] = {
    # session, user, access; the network; the groups to filter by; the tags to filter by;
    # the member's own profile; the count and the page; the page's tags
    "directory": (
        "member",
        lambda w: reverse("networking:directory", args=[w.network.slug]),
        10,
    ),
    "search results": (
        "member",
        lambda w: reverse("networking:directory", args=[w.network.slug]) + "?q=grown+fund",
        10,
    ),
    # +1: the chosen tag, checked by the form
    "directory filtered by tag and sector": (
        "other_member",
        lambda w: (
            reverse("networking:directory", args=[w.network.slug])
            + f"?tag={first_tag(w)}&sector=other"
        ),
        11,
    ),
    # session, user, access; the profile's network; the profile with its tags; the network
    "profile": (
        "other_member",
        lambda w: reverse("networking:profile", args=[member_profile(w).pk]),
        7,
    ),
    # session, user, access; the introductions
    "introductions": ("member", lambda w: reverse("networking:introductions"), 4),
    # session, user, access; the network; the count and the page; the posts' tags; the
    # posters' names and profiles; the tags to filter by
    # the meeting page's 9 as a member (tests/test_query_counts.py, the suggestions among
    # them); the suggested people's profiles
    "meeting page with suggestions": (
        "member",
        lambda w: reverse("meetings:detail", args=[chair_suggested(w).pk]),
        10,
    ),
    "board": ("other_member", lambda w: reverse("networking:board", args=[w.network.slug]), 10),
    # session, user, access; the post's network id, the network, the post; its tags; the
    # replies; the repliers' names and profiles; which of them the poster finds in the directory
    "opportunity with its replies, to its poster": (
        "member",
        lambda w: reverse("networking:opportunity", args=[member_post(w).pk]),
        11,
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_networking_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    member_profile(world)
    make_profile(world.other_member, world.network)
    client = client_for(getattr(world, role))
    url = url_of(world)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow(world, 1)
    small = count_queries(client, url)
    grow(world, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)
