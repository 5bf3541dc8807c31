"""The speaker's own calendar entry for a booking: the whole meeting, with their segment and
the running order in the description. Its UID is the booking's and its SEQUENCE the meeting's
plus the booking's revision, so a move, a cancellation or a withdrawal each outranks what the
speaker's calendar holds.

Like members' calendars, it carries only logistics: nothing said in the group goes here.
"""

from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from peerpower.lib.ics import CalendarEvent, build_calendar
from peerpower.meetings.calendar import meeting_location
from peerpower.meetings.models import timed_agenda
from peerpower.speakers.models import Booking


def speaker_description(booking: Booking) -> str:
    meeting = booking.meeting
    zone = ZoneInfo(meeting.group.time_zone)
    lines = [f"Your talk to {meeting.group.name}: “{booking.talk_title}”."]
    if meeting.is_cancelled:
        lines.append("This meeting is cancelled.")
    elif not booking.is_live:
        lines.append("This booking is withdrawn.")
    else:
        segments = timed_agenda(meeting, list(meeting.agenda_items.all()), booking)
        if segments:
            lines += ["", "Running order:"]
            for segment in segments:
                mark = " (your talk)" if segment.talk is not None else ""
                lines.append(
                    f"{segment.starts_at.astimezone(zone):%H:%M} {segment.item.title}{mark}"
                )
        # Only while the talk stands: a cancellation says nothing more of the meeting.
        if meeting.venue and meeting.venue.access_notes:
            lines += ["", f"Getting in: {meeting.venue.access_notes}"]
    lines += ["", f"Details: {settings.SITE_URL}{reverse('speakers:booking', args=[booking.pk])}"]
    return "\n".join(lines)


def speaker_ics(booking: Booking, attendee_email: str) -> bytes:
    """REQUEST while the booking stands; CANCEL once it is withdrawn, declined or the meeting
    is cancelled."""
    meeting = booking.meeting
    cancel = meeting.is_cancelled or not booking.is_live
    event = CalendarEvent(
        uid=f"{booking.uid}@peerpower",
        sequence=booking.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        time_zone=meeting.group.time_zone,
        summary=f"Talk: {booking.talk_title} — {meeting.group.name}",
        description=speaker_description(booking),
        location="" if cancel else meeting_location(meeting),
        url=f"{settings.SITE_URL}{reverse('speakers:booking', args=[booking.pk])}",
        cancelled=cancel,
        organizer_email=meeting.group.network.contact_email
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        organizer_name=meeting.group.network.name,
        attendee_emails=[attendee_email],
    )
    return build_calendar([event], method="CANCEL" if cancel else "REQUEST")
