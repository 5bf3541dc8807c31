"""The bureau's pages make a fixed number of queries: the same with 1 row as with 10 times as
many (speakers with topics and ratings, bookings across groups, responses)."""

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpower.meetings.models import Meeting
from peerpower.networks.models import NetworkRole
from peerpower.speakers import actions
from peerpower.speakers.models import Booking, FeedbackGiven, FeedbackResponse, Speaker, Topic
from peerpower.speakers.sealing import answered_tokens
from tests import factories
from tests.conftest import ClientFor, World
from tests.speakers.conftest import HeldTalk, close_feedback, held_talk
from tests.test_query_counts import count_queries


def grow(held: HeldTalk, times: int) -> None:
    """Speakers with topics, each booked (confirmed) for a group meeting, rated; responses on
    the held talk; bookings of the world's speaker in other groups."""
    world = held.world
    topic = Topic.objects.get_or_create(network=world.network, name="Governance")[0]
    for n in range(times):
        user = factories.make_user(f"Grown Speaker {n}")
        NetworkRole.objects.create(network=world.network, user=user, role=NetworkRole.Role.SPEAKER)
        speaker = Speaker.objects.create(network=world.network, user=user, name=f"Grown {n}")
        speaker.topics.add(topic)
        group = factories.make_group(world.network)
        meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).first()
        assert meeting is not None
        Booking.objects.create(
            meeting=meeting, speaker=speaker, talk_title="Grown", status="accepted", topic=topic
        )
        later = Meeting.objects.filter(group=group, starts_at__gt=meeting.starts_at).first()
        assert later is not None
        Booking.objects.create(
            meeting=later,
            speaker=held.speaker,
            talk_title="Also here",
        )
        rater = factories.add_member(world.group).user
        FeedbackGiven.objects.create(
            booking=held.booking, token=answered_tokens(held.booking.uid, rater.pk)[0]
        )
        FeedbackResponse.objects.create(booking=held.booking, score_1=4, score_2=5, comment="ok")
        upcoming = Meeting.objects.filter(group=world.group, starts_at__gt=timezone.now())
        free = upcoming.exclude(speaker_bookings__status__in=Booking.LIVE).first()
        if free is not None:
            Booking.objects.create(meeting=free, speaker=speaker, talk_title="Home", topic=topic)


PAGES: dict[str, tuple[str, Callable[[HeldTalk], str], int]] = {
    # the session, its user, access, the network, the filter's topics, the page, its count,
    # the topics prefetched, the settings
    "directory as chair": (
        "chair",
        lambda h: reverse("speakers:directory", args=[h.world.network.slug]),
        9,
    ),
    "group programme as chair": (
        "chair",
        lambda h: reverse("speakers:programme", args=[h.world.group.pk]),
        8,
    ),
    "network programme as admin": (
        "admin",
        lambda h: reverse("speakers:network_programme", args=[h.world.network.slug]),
        6,
    ),
    "speaker's home": ("speaker", lambda h: reverse("speakers:home"), 7),
    # the booking page with its feedback summary (one query for all the responses)
    "feedback summary as speaker": (
        "speaker",
        lambda h: reverse("speakers:booking", args=[h.booking.pk]),
        9,
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_bureau_page_query_count_does_not_grow_with_rows(
    page: str, world: World, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    held = held_talk(world, members=3)
    for who in held.members:
        actions.feedback_submit(booking=held.booking, scores=[4, 5], comment="Good", by=who)
    close_feedback(held.booking)
    client = client_for(getattr(world, role))
    url = url_of(held)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow(held, 1)
    small = count_queries(client, url)
    grow(held, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)
