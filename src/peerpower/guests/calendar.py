"""A guest's calendar file: the meeting's logistics, with a link to the guest's own page
(the members' meeting page is not theirs to open). Built with the members' event
(`meetings.calendar.meeting_event`, so the same UID and SEQUENCE: a move or cancellation
updates the guest's entry like a member's) and written by `lib.ics`."""

from dataclasses import replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from peerpower.guests.models import GuestRequest
from peerpower.lib.ics import build_calendar
from peerpower.meetings.calendar import meeting_event
from peerpower.meetings.models import Meeting, timed_agenda


def _visit_url(request: GuestRequest) -> str:
    return f"{settings.SITE_URL}{reverse('guests:visit', args=[request.pk])}"


def guest_description(meeting: Meeting, request: GuestRequest) -> str:
    """The agenda's headings with the expert speaker, how to get in, and the guest's page."""
    zone = ZoneInfo(meeting.group.time_zone)
    lines = [f"{meeting.group.name}: monthly meeting, as a guest."]
    items = list(meeting.agenda_items.all())
    talk = meeting.confirmed_talk()
    if talk is not None:
        lines += ["", f"Expert speaker: {talk.speaker.name}, “{talk.talk_title}”"]
    if items:
        lines += ["", "Agenda:"]
        for segment in timed_agenda(meeting, items, talk):
            heading = segment.item.title
            if segment.talk is not None:
                heading += f": {talk.speaker.name}, “{talk.talk_title}”"
            lines.append(f"{segment.starts_at.astimezone(zone):%H:%M} {heading}")
    if meeting.venue and meeting.venue.access_notes:
        lines += ["", f"Getting in: {meeting.venue.access_notes}"]
    lines += ["", f"Your visit: {_visit_url(request)}"]
    return "\n".join(lines)


def guest_ics(request: GuestRequest, *, cancel: bool = False) -> bytes:
    """REQUEST for the guest's coming meeting; CANCEL when it is cancelled (or `cancel`), with
    no location, access notes or agenda, since a cancellation needs none of them."""
    meeting = request.meeting
    if meeting is None:
        raise ValueError("A guest's calendar file needs the meeting they are invited to.")
    cancelled = meeting.is_cancelled or cancel
    event = meeting_event(meeting, attendee_emails=[request.email])
    event = replace(
        event,
        description=f"This meeting is cancelled.\n\nYour visit: {_visit_url(request)}"
        if cancelled
        else guest_description(meeting, request),
        location="" if cancelled else event.location,
        url=_visit_url(request),
        cancelled=cancelled,
    )
    return build_calendar([event], method="CANCEL" if cancelled else "REQUEST")
