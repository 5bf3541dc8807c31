"""Queued side effects of meetings: invitation, change and reminder emails with calendar files.

Tasks take ids and read fresh rows, so what goes out is what was committed.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.guests.tasks import send_guest_meeting_change
from peerpower.lib.email import Attachment, send_templated_email
from peerpower.meetings.calendar import invitation_ics
from peerpower.meetings.models import Meeting, ReminderSent, timed_agenda
from peerpower.meetings.queries import attendees_of, confirmed_talks
from peerpower.speakers.tasks import send_speaker_meeting_change


def _meetings(ids: Sequence[int]) -> list[Meeting]:
    return list(
        Meeting.objects.filter(pk__in=ids)
        .select_related("group__network", "venue")
        .prefetch_related("agenda_items", confirmed_talks())
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
        for user in attendees_of(group_id, user_ids):
            with timezone.override(user.time_zone):
                send_templated_email(
                    to=user.email,
                    template_prefix="meetings/email/series_invitation",
                    context={"user": user, "group": meetings[0].group, "meetings": meetings},
                    attachments=[_ics(m, user) for m in meetings],
                )


@db_task()
def send_meeting_change(*, meeting_id: int, agenda: bool = False) -> None:
    """An update (REQUEST, higher SEQUENCE) or cancellation (CANCEL) for one meeting; with
    `agenda`, the update says the agenda's times changed and lists them."""
    meetings = _meetings([meeting_id])
    if not meetings:
        return
    meeting = meetings[0]
    items = list(meeting.agenda_items.all())
    segments = timed_agenda(meeting, items, meeting.confirmed_talk()) if agenda else []
    for user in attendees_of(meeting.group_id):
        with timezone.override(user.time_zone):
            send_templated_email(
                to=user.email,
                template_prefix="meetings/email/meeting_cancelled"
                if meeting.is_cancelled
                else "meetings/email/meeting_changed",
                context={"user": user, "meeting": meeting, "agenda": segments},
                attachments=[_ics(meeting, user)],
            )
    # The speaker booked for it gets the same change for their own calendar entry, and so do
    # the guests expected at it.
    send_speaker_meeting_change(meeting_id=meeting_id, agenda=agenda)
    send_guest_meeting_change(meeting_id=meeting_id, agenda=agenda)


@db_task()
def announce_agenda_change(*, meeting_id: int, version: int) -> None:
    """Scheduled a few minutes after an agenda edit: one update for the edits since."""
    from peerpower.meetings.actions import (  # noqa: PLC0415 — actions queue this module's tasks
        agenda_change_announce,
    )

    agenda_change_announce(meeting_id=meeting_id, version=version)


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


@db_task()
def send_reminder(*, reminder_id: int, now: str, reply_token: str) -> None:
    """One claimed reminder: the email, with the calendar file and one-click reply links.

    Marks the row sent only once the email has gone, so a send that fails is claimed again
    by a later `reminders_send_due` run. A reminder whose meeting was cancelled or moved since
    it was claimed is dropped (the moved meeting's time gets its own)."""
    reminder = (
        ReminderSent.objects.filter(pk=reminder_id, sent_at=None)
        .select_related("meeting__group__network", "meeting__venue", "user")
        .first()
    )
    if reminder is None:
        return
    meeting, user = reminder.meeting, reminder.user
    if meeting.is_cancelled or meeting.starts_at != reminder.starts_at:
        reminder.delete()
        return
    at = datetime.fromisoformat(now)
    zone = ZoneInfo(user.time_zone)
    days = (meeting.starts_at.astimezone(zone).date() - at.astimezone(zone).date()).days
    reply_url = f"{settings.SITE_URL}{reverse('meetings:reply', args=[reply_token])}"
    with timezone.override(zone):
        send_templated_email(
            to=user.email,
            template_prefix="meetings/email/reminder",
            context={
                "user": user,
                "meeting": meeting,
                "kind": reminder.kind,
                "days": days,
                "zone_differs": user.time_zone != meeting.group.time_zone,
                "attending_url": f"{reply_url}?answer=attending",
                "apologies_url": f"{reply_url}?answer=apologies",
            },
            attachments=[_ics(meeting, user)],
        )
    ReminderSent.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())


@db_periodic_task(crontab(minute="*/15"))
def send_reminders() -> None:
    from peerpower.meetings.actions import (  # noqa: PLC0415 — actions queue this module's tasks
        reminders_send_due,
    )

    reminders_send_due()


@db_periodic_task(crontab(hour="2", minute="15"))
def extend_series() -> None:
    """Keep every group's meetings a year ahead: each month adds the new month's meeting."""
    from peerpower.meetings.actions import series_generate  # noqa: PLC0415 — actions queue this module's tasks

    for group in PeerGroup.objects.all():
        series_generate(group=group)
