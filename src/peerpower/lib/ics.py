"""iCalendar (RFC 5545) files: events with TZID and VTIMEZONE, for feeds and email invitations.

The VTIMEZONE is written here rather than by icalendar's `add_missing_timezones`, which lists a
zone's transitions as one RDATE with several values: Mozilla's ical.js (Thunderbird and several
web calendars) reads only the first, and so put later years' meetings an hour out. Here each
transition is its own RDATE line, and each onset is in the offset it changes from (RFC 5545
3.6.5), which every client tested reads alike.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

PRODID = "-//Peer Power//Peer Power//EN"
# How often a subscribed calendar should fetch the feed again (RFC 7986, and Outlook's name).
FEED_REFRESH = timedelta(hours=1)


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
    organizer_name: str = ""
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
        cal.add("name", name)
    if method is None:
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH))
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
            organizer = icalendar.vCalAddress(f"mailto:{spec.organizer_email}")
            if spec.organizer_name:
                organizer.params["CN"] = icalendar.vText(spec.organizer_name)
            event.add("organizer", organizer, encode=False)
        for email in spec.attendee_emails:
            attendee = icalendar.vCalAddress(f"mailto:{email}")
            attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
            attendee.params["RSVP"] = icalendar.vText("FALSE")
            event.add("attendee", attendee, encode=False)
        cal.add_component(event)
    if events:
        # Rules spanning just the events (plus a margin): smaller files, and no historical
        # oddities (London kept BST all year in 1968-71) for clients to misread.
        first = min(e.starts_at for e in events).date() - timedelta(days=366)
        last = max(e.ends_at for e in events).date() + timedelta(days=366)
        for zone_name in sorted({e.time_zone for e in events}, reverse=True):
            cal.subcomponents.insert(0, vtimezone(zone_name, first=first, last=last))
    content: bytes = cal.to_ical()
    return content


@dataclass(frozen=True)
class _Offset:
    utcoffset: timedelta
    dst: bool
    name: str


def _offset_at(zone: ZoneInfo, instant: datetime) -> _Offset:
    local = instant.astimezone(zone)
    return _Offset(
        utcoffset=local.utcoffset() or timedelta(0),
        dst=bool(local.dst()),
        name=local.tzname() or "",
    )


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, _Offset]]:
    """Each instant (UTC) in [start, end) at which the zone's offset or name changes, with the
    offset in force from then on. Zones change at most a few times a year, so a daily scan
    with a bisection to the second finds every change."""
    found = []
    at, before = start, _offset_at(zone, start)
    while at < end:
        step = min(at + timedelta(days=1), end)
        after = _offset_at(zone, step)
        if after != before:
            low, high = at, step
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset_at(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            found.append((high.replace(microsecond=0), after))
        at, before = step, after
    return found


def vtimezone(zone_name: str, *, first: date, last: date) -> icalendar.Timezone:
    """A VTIMEZONE for `zone_name` that is right from `first` to `last`: the offset in force
    on `first`, then one component per kind of change, with one RDATE line per further
    change. Onsets are local times in the offset in force just before (RFC 5545 3.6.5)."""
    zone = ZoneInfo(zone_name)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last, time.min, tzinfo=UTC)
    tz = icalendar.Timezone()
    tz.add("tzid", zone_name)
    initial = _offset_at(zone, start)
    opening = icalendar.TimezoneDaylight() if initial.dst else icalendar.TimezoneStandard()
    opening.add("dtstart", (start + initial.utcoffset).replace(tzinfo=None))
    opening.add("tzoffsetfrom", initial.utcoffset)
    opening.add("tzoffsetto", initial.utcoffset)
    if initial.name:
        opening.add("tzname", initial.name)
    tz.add_component(opening)
    groups: dict[tuple[timedelta, _Offset], list[datetime]] = {}
    previous = initial
    for instant, offset in _transitions(zone, start, end):
        onset = (instant + previous.utcoffset).replace(tzinfo=None)
        groups.setdefault((previous.utcoffset, offset), []).append(onset)
        previous = offset
    for (offset_from, offset), onsets in groups.items():
        component = icalendar.TimezoneDaylight() if offset.dst else icalendar.TimezoneStandard()
        component.add("dtstart", onsets[0])
        for onset in onsets[1:]:
            component.add("rdate", onset)
        component.add("tzoffsetfrom", offset_from)
        component.add("tzoffsetto", offset.utcoffset)
        if offset.name:
            component.add("tzname", offset.name)
        tz.add_component(component)
    return tz
