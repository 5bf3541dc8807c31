"""A guest's calendar file: the meeting's logistics, with a link to the guest's own page
(the members' meeting page is not theirs to open)."""

from dataclasses import replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from peerpower.guests.models import GuestRequest
from peerpower.lib.ics import build_calendar
from peerpower.meetings.calendar import meeting_event
from peerpower.meetings.models import Meeting, timed_agenda


def guest_description(meeting: Meeting, request: GuestRequest) -> str:
    zone = ZoneInfo(meeting.group.time_zone)
    lines = [f"{meeting.group.name}: monthly meeting, as a guest."]
    items = list(meeting.agenda_items.all())
    if items:
        lines += ["", "Agenda:"]
        lines += [
            f"{s.starts_at.astimezone(zone):%H:%M} {s.item.title}"
            for s in timed_agenda(meeting, items)
        ]
    if meeting.venue and meeting.venue.access_notes:
        lines += ["", f"Getting in: {meeting.venue.access_notes}"]
    lines += ["", f"Your visit: {settings.SITE_URL}{reverse('guests:visit', args=[request.pk])}"]
    return "\n".join(lines)


def guest_ics(request: GuestRequest, *, cancel: bool = False) -> bytes:
    meeting = request.meeting
    if meeting is None:
        raise ValueError("A guest's calendar file needs the meeting they are invited to.")
    event = replace(
        meeting_event(meeting, attendee_emails=[request.email]),
        description=guest_description(meeting, request),
        url=f"{settings.SITE_URL}{reverse('guests:visit', args=[request.pk])}",
        cancelled=meeting.is_cancelled or cancel,
    )
    method = "CANCEL" if event.cancelled else "REQUEST"
    return build_calendar([event], method=method)
