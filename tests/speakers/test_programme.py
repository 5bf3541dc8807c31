"""The programme: each meeting's speaker and status, gaps within eight weeks, repeats."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from peerpower.meetings.models import Meeting
from peerpower.networks.models import NetworkRole
from peerpower.speakers import actions
from peerpower.speakers.models import Booking
from peerpower.speakers.queries import group_programme, network_programme
from tests import factories
from tests.conftest import ClientFor, World
from tests.speakers.conftest import book, hold, make_speaker


def test_statuses_gaps_and_a_repeated_speaker(world: World, client_for: ClientFor) -> None:
    speaker = make_speaker(world, world.speaker)
    upcoming = list(
        Meeting.objects.filter(group=world.group, starts_at__gt=timezone.now()).order_by(
            "starts_at"
        )
    )
    soon = upcoming[0]
    factories.move_meeting(soon, timezone.now().replace(microsecond=0) + timedelta(days=10))
    held = book(world, speaker, upcoming[1])
    actions.booking_accept(booking=held, by=world.speaker)
    hold(upcoming[1], days_ago=30)
    pending = book(world, speaker, upcoming[2], title="Again")
    rows = {row.meeting.pk: row for row in group_programme(world.group)}
    assert rows[soon.pk].status == "none" and rows[soon.pk].gap
    assert rows[upcoming[1].pk].status == "held"
    assert rows[pending.meeting_id].status == "pending"
    assert rows[pending.meeting_id].warnings == [
        f"{speaker.name} also spoke to this group in {upcoming[1].starts_at:%B %Y}."
    ]
    page = client_for(world.chair).get(reverse("speakers:programme", args=[world.group.pk]))
    html = page.content.decode()
    assert "needs a speaker" in html and "held" in html and "Repeat:" in html
    across = network_programme(world.network)
    assert {(b.speaker_id, b.status) for b in across} == {
        (speaker.pk, Booking.Status.ACCEPTED),
        (speaker.pk, Booking.Status.PENDING),
    }
    page = client_for(world.admin).get(
        reverse("speakers:network_programme", args=[world.network.slug])
    )
    assert "Tuesday Leaders" in page.content.decode()


def test_a_repeated_topic_is_warned_of_within_the_networks_period_only(world: World) -> None:
    """Another speaker on the same topic as a talk held 13 months earlier: a repeat under the
    default 24 months; none once the network's period is 12 months. A confirmed talk to come
    shows as confirmed."""
    from peerpower.speakers.models import SpeakerSettings, Topic

    boards = Topic.objects.create(network=world.network, name="Boards")
    first = make_speaker(world, world.speaker)
    user = factories.make_user("Gwen Governance")
    NetworkRole.objects.create(network=world.network, user=user, role=NetworkRole.Role.SPEAKER)
    second = make_speaker(world, user)
    upcoming = list(
        Meeting.objects.filter(group=world.group, starts_at__gt=timezone.now()).order_by(
            "starts_at"
        )
    )
    earlier, later = upcoming[0], upcoming[1]
    held = Booking.objects.create(
        meeting=earlier, speaker=first, talk_title="Boards", topic=boards, status="accepted"
    )
    factories.move_meeting(earlier, timezone.now().replace(microsecond=0) - timedelta(days=396))
    coming = actions.booking_accept(
        booking=actions.booking_create(
            meeting=later, speaker=second, talk_title="Trustees", topic=boards, by=world.chair
        ),
        by=user,
    )
    # The held talk is outside the programme's year behind, but within the repeat period.
    rows = {row.meeting.pk: row for row in group_programme(world.group)}
    assert held.meeting_id not in rows
    assert rows[coming.meeting_id].status == "confirmed"
    assert rows[coming.meeting_id].warnings == [
        f"The topic Boards was also covered in {earlier.starts_at:%B %Y}."
    ]
    SpeakerSettings.objects.create(network=world.network, repeat_months=12)
    rows = {row.meeting.pk: row for row in group_programme(world.group)}
    assert rows[coming.meeting_id].warnings == []
