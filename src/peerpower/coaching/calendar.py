"""A coaching session's calendar entry: REQUEST while it stands, CANCEL once cancelled.

UID `<session.uid>@peerpower` is fixed for the session's life; SEQUENCE is `session.sequence`,
raised by each move and by the cancellation, so each file outranks the last. Times carry the
coach's zone (TZID, with its VTIMEZONE). The entry holds logistics only: never the agenda note,
a note or a goal (calendars are synced to phones and shared with assistants).
"""

from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse

from peerpower.coaching.models import Session
from peerpower.lib.ics import CalendarEvent, build_calendar


def session_summary(session: Session) -> str:
    coach = session.engagement.coach.user.display_name
    return f"Coaching: {coach} with {session.member.display_name}"


def session_location(session: Session) -> str:
    profile = session.engagement.coach
    detail = profile.where_detail
    return f"{profile.get_where_display()}: {detail}" if detail else profile.get_where_display()


def session_ics(session: Session, attendee_email: str) -> bytes:
    cancel = session.status == Session.Status.CANCELLED
    network = session.engagement.network
    url = f"{settings.SITE_URL}{reverse('coaching:session', args=[session.pk])}"
    event = CalendarEvent(
        uid=f"{session.uid}@peerpower",
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        time_zone=session.engagement.coach.time_zone,
        summary=session_summary(session),
        description=f"Details: {url}",
        location="" if cancel else session_location(session),
        url=url,
        cancelled=cancel,
        organizer_email=network.contact_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        organizer_name=network.name,
        attendee_emails=[attendee_email],
    )
    return build_calendar([event], method="CANCEL" if cancel else "REQUEST")
