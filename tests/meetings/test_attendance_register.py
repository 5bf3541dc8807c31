"""The attendance register: "All present" fills in only who is not marked (those who sent
apologies as excused) and keeps the marks the chair chose; a meeting still to come has no
register to fill in."""

from django.urls import reverse

from peerpower.meetings.models import Participation
from tests import factories
from tests.conftest import ClientFor, World


def test_all_present_fills_in_only_the_unmarked_and_excuses_apologies(
    world: World, client_for: ClientFor
) -> None:
    past = factories.make_past_meeting(world.group, months_ago=2)
    bea = factories.add_member(world.group, factories.make_user("Bea Member")).user
    Participation.objects.create(
        meeting=past, user=world.member, rsvp="apologies", apology_reason="Board"
    )
    response = client_for(world.chair).post(
        reverse("meetings:attendance", args=[past.pk]),
        {f"user_{bea.pk}": "absent", "all_present": "on"},
    )
    assert response.status_code == 302
    marks = dict(Participation.objects.filter(meeting=past).values_list("user_id", "attendance"))
    assert marks == {world.chair.pk: "present", world.member.pk: "excused", bea.pk: "absent"}


def test_a_meeting_still_to_come_has_no_register_to_fill_in(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    page = client_for(world.chair).get(reverse("meetings:attendance", args=[meeting.pk]))
    body = page.content.decode()
    assert "Attendance can be recorded once the meeting has started." in body
    assert "Save attendance" not in body
    assert "All present" not in body
