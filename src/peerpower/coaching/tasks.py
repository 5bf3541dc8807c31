"""Coaching emails: an engagement begun, a session booked, moved or cancelled (each with its
calendar file), and the reminders the day before and an hour before.

Tasks take ids and read fresh rows. No email carries an agenda note, a note or a goal.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.accounts.models import User
from peerpower.coaching.calendar import session_ics, session_location
from peerpower.coaching.models import Engagement, Session, SessionReminder
from peerpower.lib.email import Attachment, send_templated_email

# What a reminder's window is, and which of the person's settings switches it off.
REMINDERS = {
    SessionReminder.Kind.DAY: (timedelta(hours=24), "remind_coaching_day_before"),
    SessionReminder.Kind.HOUR: (timedelta(hours=1), "remind_coaching_hour_before"),
}


def _session(session_id: int) -> Session | None:
    return (
        Session.objects.filter(pk=session_id)
        .select_related("engagement__coach__user", "engagement__network", "member")
        .first()
    )


def _send(session: Session, user: User, prefix: str, **context: object) -> None:
    if not user.is_active:
        return
    cancel = session.status == Session.Status.CANCELLED
    other = (
        session.member
        if user.pk == session.engagement.coach.user_id
        else session.engagement.coach.user
    )
    with timezone.override(user.time_zone):
        send_templated_email(
            to=user.email,
            template_prefix=prefix,
            context={
                "user": user,
                "other": other,
                "session": session,
                "where": session_location(session),
                **context,
            },
            attachments=[
                Attachment(
                    filename=f"coaching-{session.starts_at:%Y-%m-%d}.ics",
                    content=session_ics(session, user.email),
                    mimetype=f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'};"
                    " charset=utf-8",
                )
            ],
        )


@db_task()
def send_session_change(*, session_id: int, change: str) -> None:
    """Both people hear of a booking, a move or a cancellation, with the calendar file."""
    session = _session(session_id)
    if session is None:
        return
    for user in (session.member, session.engagement.coach.user):
        _send(session, user, f"coaching/email/session_{change}")


@db_task()
def send_engagement_started(*, engagement_id: int) -> None:
    """The member and the coach hear that the engagement begins, with its allowance."""
    engagement = (
        Engagement.objects.filter(pk=engagement_id)
        .select_related("coach__user", "member", "network")
        .first()
    )
    if engagement is None:
        return
    for user in (engagement.member, engagement.coach.user):
        if user.is_active:
            with timezone.override(user.time_zone):
                send_templated_email(
                    to=user.email,
                    template_prefix="coaching/email/engagement_started",
                    context={"user": user, "engagement": engagement},
                )


def reminders_send_due(now: datetime | None = None) -> int:
    """Claim and send every due reminder: booked sessions starting within a day (the day
    reminder) or an hour (the hour reminder), to each side with that reminder switched on.
    A `SessionReminder` row claims each, so workers running at once send it once, and a
    session moved since gets its own. Returns how many were sent."""
    at = now or timezone.now()
    sent = 0
    for kind, (window, setting) in REMINDERS.items():
        due = Session.objects.filter(
            status=Session.Status.BOOKED, starts_at__gt=at, starts_at__lte=at + window
        ).select_related("engagement__coach__user", "engagement__network", "member")
        for session in due:
            for user in (session.member, session.engagement.coach.user):
                if not getattr(user, setting):
                    continue
                if kind == SessionReminder.Kind.DAY and session.starts_at <= at + timedelta(
                    hours=1
                ):
                    continue  # the hour reminder is the one that goes now
                try:
                    with transaction.atomic():
                        SessionReminder.objects.create(
                            session=session, user=user, kind=kind, starts_at=session.starts_at
                        )
                except IntegrityError:
                    continue
                _send(session, user, "coaching/email/reminder", kind=kind)
                sent += 1
    return sent


@db_periodic_task(crontab(minute="*/5"))
def send_reminders() -> None:
    reminders_send_due()
