"""The visit: the guest's account from the invitation link, the pledge, the meeting's
logistics and calendar file, "I can no longer come", attendance, the follow-up, feedback, the
application and, on acceptance, the usual way into the group."""

from datetime import timedelta

import pytest
import vobject  # type: ignore[import-untyped]
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts.actions import invitation_accept
from peerpower.accounts.models import Invitation
from peerpower.groups.actions import membership_approve
from peerpower.groups.models import Membership
from peerpower.guests import actions
from peerpower.guests.models import GUEST_PLEDGE_VERSION, GuestRequest
from peerpower.guests.queries import is_guest_only, places_left
from peerpower.meetings.models import Meeting
from tests import factories
from tests.conftest import ClientFor, World
from tests.guests import builders
from tests.guests.conftest import Sends


def _join_link(request: GuestRequest) -> str:
    (email,) = [m for m in mail.outbox if m.to == [request.email] and "/join/" in m.body]
    link = next(w for w in email.body.split() if "/guests/join/" in w)
    return link.removeprefix("http://testserver")


def test_the_guest_signs_up_from_the_link_and_accepts_the_pledge(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    with sends():
        request = builders.invited(world.network, world.next_meeting(), world.admin)
    client = client_for(None)
    link = _join_link(request)
    form = {"name": "Gia Guest", "password1": factories.PASSWORD, "password2": factories.PASSWORD}
    response = client.post(link, form)
    assert response.status_code == 302
    assert response["Location"] == reverse("guests:visit", args=[request.pk])
    page = client.get(response["Location"]).content.decode()
    assert "I accept the pledge" in page
    assert "Add to my calendar" not in page  # the details open after the pledge
    assert client.get(reverse("guests:ics", args=[request.pk])).status_code == 404
    client.post(reverse("guests:pledge", args=[request.pk]))
    request.refresh_from_db()
    assert request.pledge_version == GUEST_PLEDGE_VERSION
    assert timezone.now() - request.pledge_accepted_at < timedelta(minutes=1)  # type: ignore[operator]
    page = client.get(reverse("guests:visit", args=[request.pk])).content.decode()
    assert "The Common Room" in page and "Issues session" in page
    ics = client.get(reverse("guests:ics", args=[request.pk]))
    event = vobject.readOne(ics.content.decode()).vevent
    assert event.dtstart.value == world.next_meeting().starts_at
    assert "/guests/" in event.description.value
    assert "Maya" not in ics.content.decode() and "Helen" not in ics.content.decode()
    # A second time, the link says so and changes nothing.
    again = client_for(None).post(link, form)
    assert "already been accepted" in again.content.decode()
    assert GuestRequest.objects.filter(user__email=request.email).count() == 1


def test_a_guest_accepting_an_invitation_twice_is_refused(world: World) -> None:
    request, user = builders.guest_user(world.network, world.next_meeting(), world.admin)
    with pytest.raises(ValidationError, match="already been accepted"):
        actions.guest_join(request=request, user=user)


def test_a_guest_reaches_no_page_of_the_group(world: World, client_for: ClientFor) -> None:
    guest = client_for(world.guest)
    meeting = world.next_meeting()
    for url in (
        reverse("groups:detail", args=[world.group.pk]),
        reverse("groups:list"),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("issues:meeting", args=[meeting.pk]),
        reverse("issues:commitments"),
        reverse("networks:my_organisation"),
    ):
        assert guest.get(url).status_code == 404, url
    assert guest.get("/")["Location"] == reverse("guests:mine")


def test_a_guest_who_can_no_longer_come_frees_the_place_and_the_admins_are_told(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    meeting = world.next_meeting()
    assert places_left(meeting) == 1
    request = GuestRequest.objects.get(user=world.guest)
    with sends():
        client_for(world.guest).post(reverse("guests:cannot_come", args=[request.pk]))
    request.refresh_from_db()
    assert (request.status, request.meeting) == (GuestRequest.Status.CONFIRMED, None)
    assert places_left(meeting) == 2
    assert [m.to for m in mail.outbox if m.subject == "A guest can no longer come"] == [
        [world.admin.email]
    ]


def test_the_chair_records_guests_attendance_once_the_meeting_has_begun(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    request = GuestRequest.objects.get(user=world.guest)
    chair = client_for(world.chair)
    url = reverse("guests:meeting_guests", args=[meeting.pk])
    assert "once the meeting has started" in chair.get(url).content.decode()
    refused = chair.post(url, {f"guest_{request.pk}": "present"})
    assert "Attendance can be recorded once the meeting has started." in refused.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(started_at=timezone.now())
    chair.post(url, {f"guest_{request.pk}": "present"})
    request.refresh_from_db()
    assert (request.attendance, request.status) == ("present", GuestRequest.Status.VISITED)


def test_an_application_from_someone_who_did_not_attend_is_refused(world: World) -> None:
    meeting = factories.make_past_meeting(world.group, months_ago=2)
    request, user = builders.visited(world.network, meeting, world.admin)
    actions.guest_attendance_record(meeting=meeting, marks={request.pk: "absent"}, by=world.chair)
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="Only guests who came to a meeting can apply"):
        actions.application_submit(
            request=request,
            hopes="Peers",
            time_commitment="A morning",
            trustees_view="Keen",
            group=world.group,
            by=user,
        )


def test_the_day_after_the_guest_gets_the_follow_up_once_with_the_invitation_to_apply(
    world: World, sends: Sends
) -> None:
    meeting = factories.make_past_meeting(world.group, months_ago=2)
    request, _ = builders.visited(world.network, meeting, world.admin)
    with sends():
        assert actions.follow_ups_send() == 1
        assert actions.follow_ups_send() == 0
    (email,) = [m for m in mail.outbox if m.to == [request.email]]
    assert email.subject == "Thank you for coming to Tuesday Leaders"
    assert "you can apply from the same page" in email.body


def test_the_day_before_the_guest_gets_a_reminder_with_the_calendar_file(
    world: World, sends: Sends
) -> None:
    meeting = world.next_meeting()
    with sends():
        assert actions.reminders_send(now=meeting.starts_at - timedelta(hours=20)) == 1
        assert actions.reminders_send(now=meeting.starts_at - timedelta(hours=19)) == 0
    (email,) = [m for m in mail.outbox if m.to == [world.guest.email]]
    assert email.subject == "Tomorrow: your visit to Tuesday Leaders"
    assert email.attachments[0][0] == "guest-visit.ics"


def test_feedback_then_application_then_acceptance_leads_into_the_group(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    meeting = factories.make_past_meeting(world.group, months_ago=2)
    request, user = builders.visited(world.network, meeting, world.admin)
    guest = client_for(user)
    visit = reverse("guests:visit", args=[request.pk])
    bad = guest.post(reverse("guests:feedback", args=[request.pk]), {"usefulness": "5"})
    assert bad.status_code == 400
    guest.post(
        reverse("guests:feedback", args=[request.pk]),
        {"usefulness": "4", "would_join": "yes", "held_back": "trustees"},
    )
    guest.post(
        reverse("guests:apply", args=[request.pk]),
        {
            "hopes": "A place to think",
            "time_commitment": "Half a day a month",
            "trustees_view": "They back it",
            "group": world.group.pk,
        },
    )
    request.refresh_from_db()
    assert (request.status, request.held_back) == (GuestRequest.Status.APPLIED, "trustees")
    assert "Your application is with" in guest.get(visit).content.decode()
    membership = actions.application_accept(request=request, by=world.admin)
    assert membership.status == Membership.Status.PROPOSED
    with sends():
        invitation = membership_approve(membership=membership, by=world.chair)
    assert Invitation.objects.filter(pk=invitation.pk, user=user).exists()
    invitation_accept(invitation=invitation, user=user)
    assert not is_guest_only(user)
    assert client_for(user).get(reverse("groups:detail", args=[world.group.pk])).status_code == 200
    request.refresh_from_db()
    assert request.membership == membership


def test_after_the_meeting_the_guest_keeps_only_their_request_and_the_next_step(
    world: World, client_for: ClientFor
) -> None:
    request = GuestRequest.objects.get(user=world.guest)
    Meeting.objects.filter(pk=world.next_meeting().pk).update(
        started_at=timezone.now(), ended_at=timezone.now()
    )
    guest = client_for(world.guest)
    page = guest.get(reverse("guests:visit", args=[request.pk])).content.decode()
    assert "The Common Room" not in page and "Issues session" not in page
    assert "How was it?" in page
    assert guest.get(reverse("guests:ics", args=[request.pk])).status_code == 404


def test_no_reminder_with_the_calendar_file_before_the_pledge(world: World, sends: Sends) -> None:
    """The file holds the venue, link and agenda, which a guest sees only after the pledge."""
    meeting = world.next_meeting()
    GuestRequest.objects.filter(user=world.guest).update(pledge_accepted_at=None)
    with sends():
        assert actions.reminders_send(now=meeting.starts_at - timedelta(hours=20)) == 0
    assert [m for m in mail.outbox if m.to == [world.guest.email]] == []
