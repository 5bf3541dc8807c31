"""iCalendar (RFC 5545) files: events with TZID and VTIMEZONE, for feeds and email invitations."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

PRODID = "-//Peer Power//Peer Power//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    organizer_email: str = ""
    attendee_emails: Sequence[str] = field(default_factory=tuple)


def build_calendar(
    events: Sequence[CalendarEvent], *, method: str | None = None, name: str = ""
) -> bytes:
    """A VCALENDAR with one VEVENT per event, times local to each event's zone.

    `method` is REQUEST or CANCEL for emailed invitations (iTIP, RFC 5546) and None for a
    subscribed feed, which calendar programs read as a plain published calendar.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for spec in events:
        zone = ZoneInfo(spec.time_zone)
        event = icalendar.Event()
        event.add("uid", spec.uid)
        event.add("sequence", spec.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", spec.starts_at.astimezone(zone))
        event.add("dtend", spec.ends_at.astimezone(zone))
        event.add("summary", spec.summary)
        event.add("status", "CANCELLED" if spec.cancelled else "CONFIRMED")
        if spec.description:
            event.add("description", spec.description)
        if spec.location:
            event.add("location", spec.location)
        if spec.url:
            event.add("url", spec.url)
        if spec.organizer_email:
            event.add("organizer", f"mailto:{spec.organizer_email}")
        for email in spec.attendee_emails:
            attendee = icalendar.vCalAddress(f"mailto:{email}")
            attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
            attendee.params["RSVP"] = icalendar.vText("FALSE")
            event.add("attendee", attendee, encode=False)
        cal.add_component(event)
    if events:
        # VTIMEZONE rules spanning just the events (plus a margin): smaller files, and no
        # historical oddities (London kept BST all year in 1968-71) for clients to misread.
        first = min(e.starts_at for e in events).date() - timedelta(days=366)
        last = max(e.ends_at for e in events).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    content: bytes = cal.to_ical()
    return content
