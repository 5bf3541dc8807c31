"""The programme: each meeting's speaker and status, gaps within eight weeks, repeats."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from peerpower.meetings.models import Meeting
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
