"""Meetings as calendar events: the same text for the feed and for emailed invitations.

Only logistics go into a calendar (time, place, agenda headings, a link). Calendars are
synced to phones and shared with assistants, so nothing said in a group may ever be put here.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from peerpower.lib.ics import CalendarEvent, build_calendar
from peerpower.meetings.models import Meeting, timed_agenda


def meeting_location(meeting: Meeting) -> str:
    parts = []
    if meeting.venue:
        parts.append(f"{meeting.venue.name}, {' '.join(meeting.venue.address.split())}")
    if meeting.online_link:
        parts.append(meeting.online_link)
    return " / ".join(parts)


def meeting_description(meeting: Meeting) -> str:
    zone = ZoneInfo(meeting.group.time_zone)
    lines = [f"{meeting.group.name}: monthly meeting."]
    if meeting.is_cancelled:
        lines.append("This meeting is cancelled.")
    else:
        items = list(meeting.agenda_items.all())
        talk = meeting.confirmed_talk()
        if talk is not None:
            lines += ["", f"Expert speaker: {talk.speaker.name}, “{talk.talk_title}”"]
        if items:
            lines.append("")
            lines.append("Agenda:")
            for segment in timed_agenda(meeting, items, talk):
                heading = segment.item.title
                if segment.talk is not None:
                    heading += f": {talk.speaker.name}, “{talk.talk_title}”"
                lines.append(f"{segment.starts_at.astimezone(zone):%H:%M} {heading}")
    if meeting.venue and meeting.venue.access_notes:
        lines += ["", f"Getting in: {meeting.venue.access_notes}"]
    lines += [
        "",
        f"Details and RSVP: {settings.SITE_URL}{reverse('meetings:detail', args=[meeting.pk])}",
    ]
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, attendee_emails: Sequence[str] = ()) -> CalendarEvent:
    return CalendarEvent(
        uid=f"{meeting.uid}@peerpower",
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        time_zone=meeting.group.time_zone,
        summary=meeting.title,
        description=meeting_description(meeting),
        location=meeting_location(meeting),
        url=f"{settings.SITE_URL}{reverse('meetings:detail', args=[meeting.pk])}",
        cancelled=meeting.is_cancelled,
        organizer_email=meeting.group.network.contact_email
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        organizer_name=meeting.group.network.name,
        attendee_emails=attendee_emails,
    )


def invitation_ics(meeting: Meeting, attendee_email: str, *, withdraw: bool = False) -> bytes:
    """An iTIP message for one person: REQUEST for a new or changed meeting, CANCEL for a
    cancelled one, or for one the person no longer attends (`withdraw`, e.g. paused)."""
    method = "CANCEL" if meeting.is_cancelled or withdraw else "REQUEST"
    return build_calendar([meeting_event(meeting, attendee_emails=[attendee_email])], method=method)


FEED_NAME = "Peer Power meetings"


@dataclass(frozen=True)
class Subscription:
    """One way to subscribe to a feed: a calendar program or service and its link."""

    service: str
    url: str


def subscription_links(feed_url: str, name: str = FEED_NAME) -> list[Subscription]:
    """Links that subscribe to ``feed_url`` in one click: ``webcal://`` (Apple Calendar,
    Outlook on the desktop, Thunderbird open it as a subscription), and the add-by-URL pages
    of Google Calendar and Outlook.com / Microsoft 365, which fetch the feed themselves."""
    parts = urlsplit(feed_url)
    webcal = urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))
    outlook = urlencode({"url": feed_url, "name": name})
    return [
        Subscription("Apple Calendar or Outlook on your computer", webcal),
        Subscription(
            "Google Calendar",
            "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        ),
        Subscription("Outlook.com", f"https://outlook.live.com/calendar/0/addfromweb?{outlook}"),
        Subscription(
            "Outlook for work or school (Microsoft 365)",
            f"https://outlook.office.com/calendar/0/addfromweb?{outlook}",
        ),
    ]


def feed_ics(meetings: Iterable[Meeting], name: str) -> bytes:
    return build_calendar([meeting_event(m) for m in meetings], name=name)
