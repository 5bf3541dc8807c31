"""Bad input gets a clear message next to the field, and nothing is saved half-way."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from peerpower.accounts.models import Invitation, User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.meetings.actions import meeting_cancel
from peerpower.meetings.models import Meeting, Participation
from tests.conftest import ClientFor, World

GROUP_FORM = {
    "name": "Friday Forum",
    "week_of_month": "2",
    "weekday": "4",
    "start_time": "13:30",
    "end_time": "09:30",
    "series_start": "2030-01-01",
    "time_zone": "Europe/London",
    "min_size": "8",
    "max_size": "16",
    "chair_email": "chair@example.org",
}


def test_a_pattern_ending_before_it_starts_is_refused(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).post(reverse("groups:create"), GROUP_FORM)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["end_time"] == [
        "The meeting must end after it starts (13:30); choose a later end time."
    ]
    assert not PeerGroup.objects.filter(name="Friday Forum").exists()
    assert not User.objects.filter(email="chair@example.org").exists()
    # The message sits beside the field, and the field names it for screen readers.
    assert b'id="id_end_time_error"' in response.content
    assert b'aria-invalid="true" aria-describedby="id_end_time_error"' in response.content


def test_a_valid_group_is_created_with_its_chair_invited_and_a_year_of_meetings(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.admin).post(
        reverse("groups:create"), {**GROUP_FORM, "end_time": "17:30"}
    )
    group = PeerGroup.objects.get(name="Friday Forum")
    assert response.status_code == 302
    assert Meeting.objects.filter(group=group).count() == 12
    assert Membership.objects.get(group=group).status == "invited"


def test_an_agenda_that_overruns_the_half_day_is_refused(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    before = list(meeting.agenda_items.values_list("title", "minutes"))
    data = {
        "agenda-TOTAL_FORMS": "2",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "20",
    }
    data |= {
        "agenda-0-title": "Speaker",
        "agenda-0-kind": "speaker",
        "agenda-0-minutes": "120",
        "agenda-0-ORDER": "1",
    }
    data |= {
        "agenda-1-title": "Issues",
        "agenda-1-kind": "issues",
        "agenda-1-minutes": "150",
        "agenda-1-ORDER": "2",
    }
    response = client_for(world.chair).post(reverse("meetings:agenda", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert response.context["refused"] == [
        "This agenda runs 270 minutes and would end at 14:00, 30 minutes after the meeting ends. "
        "Shorten a segment or remove one (the meeting lasts 240 minutes)."
    ]
    assert list(meeting.agenda_items.values_list("title", "minutes")) == before


@pytest.mark.parametrize("email", ["not-an-address", "someone@", "a b@example.org", ""])
def test_an_invitation_to_a_malformed_address_is_refused(
    email: str, world: World, client_for: ClientFor
) -> None:
    count = Invitation.objects.count()
    response = client_for(world.chair).post(
        reverse("groups:invite", args=[world.group.pk]), {"email": email, "role": "member"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] in (
        ["Enter a valid email address."],
        ["This field is required."],
    )
    assert Invitation.objects.count() == count


def test_an_invitation_to_a_duplicate_address_is_refused(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.chair)
    url = reverse("groups:invite", args=[world.group.pk])
    assert (
        client.post(url, {"email": "New.Person@Example.org", "role": "member"}).status_code == 302
    )
    response = client.post(url, {"email": "new.person@example.org", "role": "member"})
    assert response.context["form"].errors["email"] == [
        "new.person@example.org has already been invited to Tuesday Leaders."
    ]
    assert Invitation.objects.filter(user__email="new.person@example.org").count() == 1


def test_inviting_a_current_member_again_is_refused(world: World, client_for: ClientFor) -> None:
    response = client_for(world.chair).post(
        reverse("groups:invite", args=[world.group.pk]),
        {"email": world.member.email, "role": "member"},
    )
    assert response.context["form"].errors["email"] == [
        f"{world.member.email} is already in Tuesday Leaders."
    ]


def test_a_second_membership_of_the_same_person_in_the_same_group_is_refused_by_the_database(
    world: World,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=world.group, user=world.member, status="invited")
    assert Membership.objects.filter(group=world.group, user=world.member).count() == 1


def test_an_rsvp_to_a_cancelled_meeting_is_refused(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    meeting_cancel(meeting=meeting, reason="Venue closed", by=world.chair)
    response = client_for(world.member).post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"rsvp": "attending"}
    )
    assert response.status_code == 400
    assert response.context["rsvp_form"].non_field_errors() == [
        "This meeting is cancelled, so there is nothing to reply to."
    ]
    assert not Participation.objects.filter(meeting=meeting, user=world.member).exists()


def test_apologies_need_a_reason_shown_next_to_the_field(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    response = client_for(world.member).post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"rsvp": "apologies", "reason": "  "},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"Give a short reason with your apologies." in response.content
    assert b"<html" not in response.content  # htmx gets the partial only
    assert not Participation.objects.filter(meeting=meeting, user=world.member).exists()


def test_an_rsvp_is_saved_and_can_be_changed(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    client = client_for(world.member)
    url = reverse("meetings:rsvp", args=[meeting.pk])
    client.post(url, {"rsvp": "apologies", "reason": "Trustee meeting"}, HTTP_HX_REQUEST="true")
    client.post(url, {"rsvp": "attending", "reason": "ignored"}, HTTP_HX_REQUEST="true")
    reply = Participation.objects.get(meeting=meeting, user=world.member)
    assert (reply.rsvp, reply.apology_reason) == ("attending", "")


def test_moving_a_meeting_into_the_past_is_refused(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    response = client_for(world.chair).post(
        reverse("meetings:move", args=[meeting.pk]),
        {
            "date": "2020-01-01",
            "start_time": "09:30",
            "end_time": "13:30",
            "venue": "",
            "online_link": "https://meet.example.org/a",
        },
    )
    assert response.context["form"].errors["date"] == ["Choose a time in the future."]
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_html_in_names_renders_inert(world: World, client_for: ClientFor) -> None:
    world.member.name = '<script>alert("x")</script>'
    world.member.save()
    response = client_for(world.chair).get(reverse("groups:detail", args=[world.group.pk]))
    assert b'<script>alert("x")</script>' not in response.content
    assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.content
