"""Business actions on meetings: generating the series, changing meetings, RSVPs, attendance.

Each action validates, writes in one transaction and queues its emails on commit, so an email
never announces something that was rolled back.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.actions import issues_carry_over
from peerpower.lib.dates import format_day
from peerpower.meetings import tasks
from peerpower.meetings.models import AgendaItem, Meeting, Participation
from peerpower.meetings.queries import agenda_template
from peerpower.networks.models import Venue

# A meeting moves within a year of the month it stands for; beyond that a date is a slip.
MOVE_HORIZON_MONTHS = 12


def move_latest_day(meeting: Meeting) -> date:
    """The last day a meeting may be moved to: a year after its month's first day."""
    return meeting.slot + relativedelta(months=MOVE_HORIZON_MONTHS)


@dataclass(frozen=True)
class SeriesChanges:
    created: list[Meeting]
    updated: list[Meeting]
    cancelled: list[Meeting]


def _fit_agenda(template: list[tuple[str, str, int]], minutes: int) -> list[tuple[str, str, int]]:
    """The template cut to the meeting's length, so a new meeting never starts overrunning."""
    fitted, used = [], 0
    for title, kind, length in template:
        if used >= minutes:
            break
        length = min(length, minutes - used)
        fitted.append((title, kind, length))
        used += length
    return fitted


def series_generate(
    *, group: PeerGroup, today: date | None = None, notify: bool = True
) -> SeriesChanges:
    """Make the group's meetings match its pattern for a year (SERIES_MONTHS_AHEAD) from today or
    from the series start, whichever is later.

    Meetings are keyed by month. A future meeting nobody changed by hand follows the pattern
    (its time moves if the pattern moved); one changed by hand (moved, cancelled, another
    venue) is left exactly as it is. Past meetings are never touched. Takes a lock on the
    group row so two regenerations of one group run one after the other.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    start = max(group.series_start, today)
    horizon = start + relativedelta(months=settings.SERIES_MONTHS_AHEAD)
    first = start.replace(day=1)
    slots = [first + relativedelta(months=n) for n in range(settings.SERIES_MONTHS_AHEAD + 1)]
    template = agenda_template(group)
    created: list[Meeting] = []
    updated: list[Meeting] = []
    cancelled: list[Meeting] = []
    with transaction.atomic():
        PeerGroup.objects.select_for_update().filter(pk=group.pk).first()
        existing = {m.slot: m for m in Meeting.objects.filter(group=group, ends_at__gt=now)}
        for slot in slots:
            starts_at, ends_at = group.meeting_times_in(slot)
            meeting = existing.get(slot)
            if meeting is None:
                if not (
                    max(now, timezone.make_aware(datetime.combine(start, time.min))) < starts_at
                ):
                    continue  # before the series starts, or this month's meeting is over
                if group.meeting_day_in(slot) >= horizon:
                    continue
                if Meeting.objects.filter(group=group, slot=slot).exists():
                    continue  # already held
                meeting = Meeting.objects.create(
                    group=group,
                    slot=slot,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    venue_id=group.default_venue_id,
                    online_link=group.online_link,
                )
                minutes = int((ends_at - starts_at).total_seconds() // 60)
                AgendaItem.objects.bulk_create(
                    AgendaItem(meeting=meeting, position=i, title=t, kind=k, minutes=m)
                    for i, (t, k, m) in enumerate(_fit_agenda(template, minutes))
                )
                created.append(meeting)
            elif not meeting.changed_by_hand and meeting.starts_at > now:
                changes = (
                    meeting.starts_at != starts_at
                    or meeting.ends_at != ends_at
                    or meeting.venue_id != group.default_venue_id
                    or meeting.online_link != group.online_link
                )
                if changes:
                    meeting.starts_at, meeting.ends_at = starts_at, ends_at
                    meeting.venue_id = group.default_venue_id
                    meeting.online_link = group.online_link
                    meeting.sequence += 1
                    meeting.save(
                        update_fields=[
                            "starts_at",
                            "ends_at",
                            "venue",
                            "online_link",
                            "sequence",
                            "updated_at",
                        ]
                    )
                    updated.append(meeting)
        # Months before a later series start lose their generated meetings.
        for slot, meeting in existing.items():
            if (
                slot < first
                and not meeting.changed_by_hand
                and not meeting.is_cancelled
                and meeting.starts_at > now
            ):
                meeting.status = Meeting.Status.CANCELLED
                meeting.cancel_reason = "The group's series now starts later."
                meeting.sequence += 1
                meeting.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
                cancelled.append(meeting)
        if notify:
            new_ids = [m.pk for m in created]
            changed_ids = [m.pk for m in updated + cancelled]
            if new_ids:
                transaction.on_commit(lambda: tasks.send_series_invitation(meeting_ids=new_ids))
            for meeting_id in changed_ids:
                transaction.on_commit(partial(tasks.send_meeting_change, meeting_id=meeting_id))
    return SeriesChanges(created=created, updated=updated, cancelled=cancelled)


def _require_scheduled_future(meeting: Meeting, verb: str) -> None:
    if meeting.is_cancelled:
        raise ValidationError(f"This meeting is cancelled; it cannot be {verb}.")
    if meeting.ends_at <= timezone.now():
        raise ValidationError(f"This meeting is over; it cannot be {verb}.")


def meeting_move(
    *,
    meeting: Meeting,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None,
    online_link: str,
    by: User,
) -> Meeting:
    """Give one meeting another time or place; it then keeps that through regeneration."""
    _require_scheduled_future(meeting, "moved")
    if ends_at <= starts_at:
        raise ValidationError({"end_time": "The meeting must end after it starts."})
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError({"date": "Choose a time in the future."})
    latest = move_latest_day(meeting)
    if starts_at.astimezone(ZoneInfo(meeting.group.time_zone)).date() > latest:
        raise ValidationError(
            {
                "date": f"Choose a date up to {format_day(latest)}: "
                "a meeting moves within a year of its month."
            }
        )
    if venue is not None and venue.network_id != meeting.group.network_id:
        raise ValidationError({"venue": "Choose one of this network's venues."})
    if venue is None and not online_link:
        raise ValidationError(
            {"venue": "Give a venue or an online link, so people know where to go."}
        )
    with transaction.atomic():
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
        meeting.venue, meeting.online_link = venue, online_link
        meeting.changed_by_hand = True
        meeting.sequence += 1
        meeting.save(
            update_fields=[
                "starts_at",
                "ends_at",
                "venue",
                "online_link",
                "changed_by_hand",
                "sequence",
                "updated_at",
            ]
        )
        transaction.on_commit(lambda: tasks.send_meeting_change(meeting_id=meeting.pk))
    return meeting


def meeting_cancel(*, meeting: Meeting, reason: str, by: User) -> Meeting:
    _require_scheduled_future(meeting, "cancelled")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why, so members know (for example: venue unavailable)."}
        )
    with transaction.atomic():
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancel_reason = reason
        meeting.changed_by_hand = True
        meeting.sequence += 1
        meeting.save(
            update_fields=["status", "cancel_reason", "changed_by_hand", "sequence", "updated_at"]
        )
        issues_carry_over(meeting=meeting)
        transaction.on_commit(lambda: tasks.send_meeting_change(meeting_id=meeting.pk))
    return meeting


def meeting_reinstate(*, meeting: Meeting, by: User) -> Meeting:
    """Undo a cancellation: the meeting is on again at its time, and calendars are updated."""
    if not meeting.is_cancelled:
        raise ValidationError("This meeting is not cancelled.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError("This meeting's time has passed; move it to a new date instead.")
    with transaction.atomic():
        meeting.status = Meeting.Status.SCHEDULED
        meeting.cancel_reason = ""
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        transaction.on_commit(lambda: tasks.send_meeting_change(meeting_id=meeting.pk))
    return meeting


@dataclass(frozen=True)
class AgendaSegment:
    title: str
    kind: str
    minutes: int


def agenda_replace(
    *, meeting: Meeting, segments: Sequence[AgendaSegment], by: User
) -> list[AgendaItem]:
    """Replace the meeting's agenda; refuses one that runs past the meeting's end."""
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled; its agenda cannot be changed.")
    if meeting.ends_at <= timezone.now():
        raise ValidationError("This meeting is over; its agenda is kept as it was.")
    if not segments:
        raise ValidationError("An agenda needs at least one segment.")
    total = sum(s.minutes for s in segments)
    if total > meeting.duration_minutes:
        over = total - meeting.duration_minutes
        end = timezone.localtime(meeting.starts_at + timedelta(minutes=total))
        raise ValidationError(
            f"This agenda runs {total} minutes and would end at {end:%H:%M}, "
            f"{over} minutes after the meeting ends. Shorten a segment or remove one "
            f"(the meeting lasts {meeting.duration_minutes} minutes)."
        )
    with transaction.atomic():
        AgendaItem.objects.filter(meeting=meeting).delete()
        return AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, title=s.title, kind=s.kind, minutes=s.minutes)
            for i, s in enumerate(segments)
        )


def rsvp_set(*, meeting: Meeting, user: User, rsvp: str, reason: str = "") -> Participation:
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled, so there is nothing to reply to.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError("This meeting has started; replies are closed.")
    if rsvp not in (Participation.Rsvp.ATTENDING, Participation.Rsvp.APOLOGIES):
        raise ValidationError({"rsvp": "Choose attending or apologies."})
    reason = reason.strip()
    if rsvp == Participation.Rsvp.APOLOGIES and not reason:
        raise ValidationError({"reason": "Give a short reason with your apologies."})
    if rsvp == Participation.Rsvp.ATTENDING:
        reason = ""
    with transaction.atomic():
        participation, _ = Participation.objects.update_or_create(
            meeting=meeting,
            user=user,
            defaults={"rsvp": rsvp, "apology_reason": reason, "responded_at": timezone.now()},
        )
    return participation


def attendance_record(*, meeting: Meeting, marks: Mapping[int, str], by: User) -> None:
    """Record who was present, absent or excused; only for current members, once it has begun."""
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled; there is no attendance to record.")
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance can be recorded once the meeting has started.")
    allowed = set(Participation.Attendance.values)
    members = set(
        Membership.objects.filter(
            group_id=meeting.group_id,
            status__in=Membership.CURRENT,
        ).values_list("user_id", flat=True)
    )
    unknown = set(marks) - members
    if unknown:
        raise ValidationError("Attendance can only be recorded for the group's members.")
    if any(mark not in allowed for mark in marks.values()):
        raise ValidationError("Mark each person present, absent or excused.")
    with transaction.atomic():
        existing = {
            p.user_id: p for p in Participation.objects.filter(meeting=meeting, user_id__in=marks)
        }
        to_create, to_update = [], []
        for user_id, mark in marks.items():
            participation = existing.get(user_id)
            if participation is None:
                if mark:
                    to_create.append(
                        Participation(meeting=meeting, user_id=user_id, attendance=mark)
                    )
            elif participation.attendance != mark:
                participation.attendance = mark
                to_update.append(participation)
        Participation.objects.bulk_create(to_create)
        Participation.objects.bulk_update(to_update, ["attendance"])
