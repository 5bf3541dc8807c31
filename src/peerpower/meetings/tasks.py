"""Queued side effects of meetings: invitation, change and reminder emails with calendar files.

Tasks take ids and read fresh rows, so what goes out is what was committed.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.lib.email import Attachment, send_templated_email
from peerpower.meetings.calendar import invitation_ics
from peerpower.meetings.models import Meeting, ReminderSent


def _attendees(group_id: int, user_ids: Sequence[int] | None = None) -> list[User]:
    memberships = Membership.objects.filter(group_id=group_id, status=Membership.Status.ACTIVE)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=user_ids)
    return [
        m.user for m in memberships.select_related("user").order_by("user_id") if m.user.is_active
    ]


def _meetings(ids: Sequence[int]) -> list[Meeting]:
    return list(
        Meeting.objects.filter(pk__in=ids)
        .select_related("group__network", "venue")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


def _ics(meeting: Meeting, user: User, *, withdraw: bool = False) -> Attachment:
    cancel = meeting.is_cancelled or withdraw
    name = "cancel" if cancel else "invite"
    method = "CANCEL" if cancel else "REQUEST"
    return Attachment(
        filename=f"{name}-{meeting.starts_at:%Y-%m-%d}.ics",
        content=invitation_ics(meeting, user.email, withdraw=withdraw),
        mimetype=f"text/calendar; method={method}; charset=utf-8",
    )


@db_task()
def send_series_invitation(
    *, meeting_ids: Sequence[int], user_ids: Sequence[int] | None = None
) -> None:
    """One email per person listing their group's new meetings, with a calendar file for each."""
    by_group: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in _meetings(meeting_ids):
        if not meeting.is_cancelled:
            by_group[meeting.group_id].append(meeting)
    for group_id, meetings in by_group.items():
        for user in _attendees(group_id, user_ids):
            with timezone.override(user.time_zone):
                send_templated_email(
                    to=user.email,
                    template_prefix="meetings/email/series_invitation",
                    context={"user": user, "group": meetings[0].group, "meetings": meetings},
                    attachments=[_ics(m, user) for m in meetings],
                )


@db_task()
def send_meeting_change(*, meeting_id: int) -> None:
    """An update (REQUEST, higher SEQUENCE) or cancellation (CANCEL) for one meeting."""
    meetings = _meetings([meeting_id])
    if not meetings:
        return
    meeting = meetings[0]
    for user in _attendees(meeting.group_id):
        with timezone.override(user.time_zone):
            send_templated_email(
                to=user.email,
                template_prefix="meetings/email/meeting_cancelled"
                if meeting.is_cancelled
                else "meetings/email/meeting_changed",
                context={"user": user, "meeting": meeting},
                attachments=[_ics(meeting, user)],
            )


@db_task()
def send_calendar_withdrawal(*, group_id: int, user_id: int) -> None:
    """A member paused or gone: one email that takes the group's coming meetings out of their
    calendar (the meetings themselves go on)."""
    user = User.objects.filter(pk=user_id).first()
    upcoming = Meeting.objects.filter(
        group_id=group_id, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    meetings = _meetings(list(upcoming.values_list("pk", flat=True)))
    if user is None or not meetings:
        return
    with timezone.override(user.time_zone):
        send_templated_email(
            to=user.email,
            template_prefix="meetings/email/calendar_withdrawn",
            context={"user": user, "group": meetings[0].group, "meetings": meetings},
            attachments=[_ics(m, user, withdraw=True) for m in meetings],
        )


REMINDER_LEADS = {
    ReminderSent.Kind.WEEK: timedelta(days=7),
    ReminderSent.Kind.DAY: timedelta(days=1),
}


def send_due_reminders(now: datetime | None = None) -> int:
    """Email each reminder that has come due and not yet gone out; returns how many were sent.

    A reminder is due from its lead time before the meeting until the next shorter reminder
    is due, so a worker that was down catches up without sending both. Claiming the
    ReminderSent row first makes this safe to run in several workers at once.
    """
    now = now or timezone.now()
    sent = 0
    week, day = REMINDER_LEADS[ReminderSent.Kind.WEEK], REMINDER_LEADS[ReminderSent.Kind.DAY]
    windows = [
        (ReminderSent.Kind.WEEK, now + day, now + week, "remind_week_before"),
        (ReminderSent.Kind.DAY, now, now + day, "remind_day_before"),
    ]
    for kind, after, until, setting in windows:
        meetings = (
            Meeting.objects.filter(
                status=Meeting.Status.SCHEDULED, starts_at__gt=after, starts_at__lte=until
            )
            .select_related("group__network", "venue")
            .prefetch_related("agenda_items")
        )
        for meeting in meetings:
            already = set(
                ReminderSent.objects.filter(meeting=meeting, kind=kind).values_list(
                    "user_id", flat=True
                )
            )
            for user in _attendees(meeting.group_id):
                if user.pk in already or not getattr(user, setting):
                    continue
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(meeting=meeting, user=user, kind=kind)
                except IntegrityError:
                    continue  # another worker claimed it
                with timezone.override(user.time_zone):
                    send_templated_email(
                        to=user.email,
                        template_prefix="meetings/email/reminder",
                        context={"user": user, "meeting": meeting, "kind": kind},
                        attachments=[_ics(meeting, user)],
                    )
                sent += 1
    return sent


@db_periodic_task(crontab(minute="*/15"))
def send_reminders() -> None:
    send_due_reminders()


@db_periodic_task(crontab(hour="2", minute="15"))
def extend_series() -> None:
    """Keep every group's meetings a year ahead: each month adds the new month's meeting."""
    from peerpower.meetings.actions import series_generate  # noqa: PLC0415 — actions queue this module's tasks

    for group in PeerGroup.objects.all():
        series_generate(group=group)
