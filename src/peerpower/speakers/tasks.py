"""Emails of the speaker bureau: the booking request with its calendar file, the speaker's
answer to the chair, withdrawals, and the speaker's copy of a meeting's change.

Tasks take ids and read fresh rows. Emails to the speaker carry logistics only.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.lib.email import Attachment, send_templated_email
from peerpower.meetings.models import ReminderSent, timed_agenda
from peerpower.networks.models import NetworkRole
from peerpower.speakers.calendar import speaker_ics
from peerpower.speakers.models import Booking
from peerpower.speakers.queries import answer_recipients


def _booking(booking_id: int) -> Booking | None:
    return (
        Booking.objects.filter(pk=booking_id)
        .select_related("meeting__group__network", "meeting__venue", "speaker__user", "booked_by")
        .prefetch_related("meeting__agenda_items")
        .first()
    )


def _send_to_speaker(booking: Booking, prefix: str, *, agenda: bool = False) -> None:
    user = booking.speaker.user
    # Someone whose account was closed or whose speaker role was taken away is told nothing
    # more of the meeting (its venue, link and agenda).
    if user is None or not user.is_active:
        return
    if not NetworkRole.objects.filter(
        network_id=booking.speaker.network_id, user=user, role=NetworkRole.Role.SPEAKER
    ).exists():
        return
    meeting = booking.meeting
    cancel = meeting.is_cancelled or not booking.is_live
    with timezone.override(user.time_zone):
        send_templated_email(
            to=user.email,
            template_prefix=prefix,
            context={
                "user": user,
                "booking": booking,
                "meeting": meeting,
                "segments": timed_agenda(meeting, list(meeting.agenda_items.all()), booking),
                "zone_differs": user.time_zone != meeting.group.time_zone,
                "agenda_changed": agenda,
            },
            attachments=[
                Attachment(
                    filename=f"{'cancel' if cancel else 'talk'}-{meeting.starts_at:%Y-%m-%d}.ics",
                    content=speaker_ics(booking, user.email),
                    mimetype=f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'};"
                    " charset=utf-8",
                )
            ],
        )


@db_task()
def send_booking_request(*, booking_id: int) -> None:
    """The request to the speaker: group, date and time in their zone, venue and access notes
    or the link, the running order, the brief, and the calendar file."""
    booking = _booking(booking_id)
    if booking is not None and booking.status == Booking.Status.PENDING:
        _send_to_speaker(booking, "speakers/email/booking_request")


@db_task()
def send_booking_withdrawn(*, booking_id: int) -> None:
    booking = _booking(booking_id)
    if booking is not None:
        _send_to_speaker(booking, "speakers/email/booking_withdrawn")


@db_task()
def send_booking_answer(*, booking_id: int) -> None:
    """The chair hears the speaker's yes or no (with any reason and other dates): whoever
    booked while they still manage the group, otherwise its current chair; a yes also sends
    the speaker their confirmed calendar entry."""
    booking = _booking(booking_id)
    if booking is None:
        return
    if booking.status == Booking.Status.ACCEPTED:
        _send_to_speaker(booking, "speakers/email/booking_confirmed")
    # Whoever booked, while they still look after the group's bookings; else its chair now.
    for chair in answer_recipients(booking):
        with timezone.override(chair.time_zone):
            send_templated_email(
                to=chair.email,
                template_prefix="speakers/email/booking_answer",
                context={"user": chair, "booking": booking, "meeting": booking.meeting},
            )


@db_task()
def send_speaker_meeting_change(*, meeting_id: int, agenda: bool = False) -> None:
    """The meeting moved or was cancelled (or reinstated), or with `agenda` its running
    order's times changed (the members' "Agenda times changed" update): the booked speaker's
    calendar entry is updated (REQUEST) or cancelled (CANCEL), with a higher SEQUENCE."""
    for booking in Booking.objects.filter(meeting_id=meeting_id, status__in=Booking.LIVE):
        fresh = _booking(booking.pk)
        if fresh is not None:
            _send_to_speaker(fresh, "speakers/email/meeting_changed", agenda=agenda)


@db_task()
def send_speaker_reminder(*, reminder_id: int) -> None:
    """A week's or a day's reminder to the confirmed speaker: the logistics and running order
    in their zone, with the calendar file. Like members' reminders, a claim whose meeting was
    cancelled or moved since is dropped, and the row is marked sent once the email has gone."""
    reminder = (
        ReminderSent.objects.filter(pk=reminder_id, sent_at=None)
        .select_related("meeting", "user")
        .first()
    )
    if reminder is None:
        return
    meeting = reminder.meeting
    live = Booking.objects.filter(
        meeting=meeting, status=Booking.Status.ACCEPTED, speaker__user=reminder.user
    ).first()
    if live is None or meeting.is_cancelled or meeting.starts_at != reminder.starts_at:
        reminder.delete()
        return
    booking = _booking(live.pk)
    if booking is None:  # pragma: no cover - deleted between the two reads
        return
    _send_to_speaker(booking, "speakers/email/reminder")
    ReminderSent.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())


@db_periodic_task(crontab(minute="*/15"))
def release_feedback() -> None:
    """Every quarter of an hour: close the feedback windows that have run out, writing each
    talk's held answers as responses in one shuffled batch. Every consumer may run it; each
    window closes once (`feedback_release` locks and checks the booking)."""
    from peerpower.speakers.actions import (  # noqa: PLC0415 — actions import this module's tasks
        feedback_release_due,
    )

    feedback_release_due()
