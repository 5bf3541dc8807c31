"""A meeting moved or cancelled once guests are on their way to it, as the people concerned
would expect it: the cached public page shows the change, a pledged guest reminded for the old
time is reminded for the new one, and the admins, whom the guest is told will offer another
date, hear of the cancellation and see it in triage."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse

from peerpower.guests import actions
from peerpower.guests.models import GuestRequest
from peerpower.meetings.actions import meeting_cancel, meeting_move, meeting_reinstate
from peerpower.meetings.models import Meeting
from tests.conftest import ClientFor, World
from tests.guests import builders
from tests.guests.conftest import Sends


def _day(meeting: Meeting) -> str:
    return f"{meeting.starts_at:%A %-d %B %Y}"


def test_the_cached_public_page_drops_a_cancelled_date_and_shows_a_moved_one(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    builders.list_group(world.group, places=3)
    meeting = world.next_meeting()
    url = reverse("guests:public", args=[world.network.slug])
    visitor = client_for(None)
    assert _day(meeting) in visitor.get(url).content.decode()  # and now in the cache
    with sends():
        meeting_cancel(meeting=meeting, reason="Venue flooded", by=world.chair)
    assert _day(meeting) not in visitor.get(url).content.decode()
    with sends():
        meeting_reinstate(meeting=Meeting.objects.get(pk=meeting.pk), by=world.chair)
    assert _day(meeting) in visitor.get(url).content.decode()
    with sends():
        moved = meeting_move(
            meeting=Meeting.objects.get(pk=meeting.pk),
            starts_at=meeting.starts_at + timedelta(days=1),
            ends_at=meeting.ends_at + timedelta(days=1),
            venue=meeting.venue,
            online_link=meeting.online_link,
            by=world.chair,
        )
    html = visitor.get(url).content.decode()
    assert _day(moved) in html and _day(meeting) not in html


def test_a_pledged_guest_reminded_before_a_move_is_reminded_for_the_new_time(
    world: World, sends: Sends
) -> None:
    """Before: the reminder was sent once per request, so a guest reminded the day before a
    meeting that was then put back a week got no reminder before the new date."""
    meeting = world.next_meeting()
    with sends():
        assert actions.reminders_send(now=meeting.starts_at - timedelta(hours=20)) == 1
        moved = meeting_move(
            meeting=meeting,
            starts_at=meeting.starts_at + timedelta(days=7),
            ends_at=meeting.ends_at + timedelta(days=7),
            venue=meeting.venue,
            online_link=meeting.online_link,
            by=world.chair,
        )
    mail.outbox.clear()
    with sends():
        assert actions.reminders_send(now=moved.starts_at - timedelta(days=3)) == 0  # not yet
        assert actions.reminders_send(now=moved.starts_at - timedelta(hours=20)) == 1
        assert actions.reminders_send(now=moved.starts_at - timedelta(hours=19)) == 0  # once
    (email,) = [m for m in mail.outbox if m.to == [world.guest.email]]
    assert email.subject == "Tomorrow: your visit to Tuesday Leaders"


def test_the_admins_hear_of_a_cancelled_guest_meeting_and_triage_says_so(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    meeting = world.next_meeting()
    request = GuestRequest.objects.get(user=world.guest)
    mail.outbox.clear()
    with sends():
        meeting_cancel(meeting=meeting, reason="Venue flooded", by=world.chair)
    (told,) = [m for m in mail.outbox if m.to == [world.admin.email]]
    assert told.subject == "A guest's meeting is cancelled"
    assert reverse("guests:request", args=[world.network.slug, request.pk]) in told.body
    assert world.guest.name not in told.body  # the page shows who; the email does not
    admin = client_for(world.admin)
    triage = admin.get(reverse("guests:triage", args=[world.network.slug])).content.decode()
    assert "meeting cancelled" in triage
    detail = admin.get(
        reverse("guests:request", args=[world.network.slug, request.pk])
    ).content.decode()
    assert "meeting cancelled: invite them to another date" in detail
    # The admin invites them to another date: a fresh invitation, the cancelled one gone.
    later = Meeting.objects.filter(group=world.group, starts_at__gt=meeting.starts_at).order_by(
        "starts_at"
    )[0]
    with sends():
        actions.request_invite(request=request, meeting=later, by=world.admin)
    request.refresh_from_db()
    assert (request.meeting_id, request.status) == (later.pk, GuestRequest.Status.INVITED)
    assert [m.subject for m in mail.outbox if m.to == [world.guest.email]][-1].startswith(
        "You are invited as a guest: Tuesday Leaders"
    )
