"""Business actions on meetings: generating the series, changing meetings, RSVPs, attendance.

Each action validates, writes in one transaction and queues its emails on commit, so an email
never announces something that was rolled back.
"""

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerpower.accounts.models import User, hash_token
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.actions import issues_carry_over
from peerpower.lib.dates import format_day
from peerpower.lib.events import emit
from peerpower.lib.rules import require
from peerpower.meetings import tasks
from peerpower.meetings.models import (
    AgendaItem,
    Meeting,
    Participation,
    ReminderSent,
    ReplyLink,
)
from peerpower.meetings.queries import (
    agenda_template,
    attendees_by_group,
    confirmed_speakers_for,
    has_confidential_record,
)
from peerpower.networking import tasks as networking_tasks
from peerpower.networks.models import Venue
from peerpower.speakers import tasks as speaker_tasks
from peerpower.speakers.queries import clash_message, lock_speakers_of, overlapping_booking

# A meeting moves within a year of the month it stands for; beyond that a date is a slip.
MOVE_HORIZON_MONTHS = 12
# Agenda edits are announced this long after the last one, so several edits send one email.
AGENDA_BATCH = timedelta(minutes=5)


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


def _would_re_date_a_record(meeting: Meeting, starts_at: datetime) -> bool:
    """Following the pattern would move to another day a meeting that already has something
    confidential on record (whose day decides who may read it): leave such a meeting alone."""
    new_day = starts_at.astimezone(ZoneInfo(meeting.group.time_zone)).date()
    return new_day != meeting.day and has_confidential_record(meeting)


def series_generate(
    *, group: PeerGroup, today: date | None = None, notify: bool = True
) -> SeriesChanges:
    """Make the group's meetings match its pattern for a year (SERIES_MONTHS_AHEAD) from today or
    from the series start, whichever is later.

    Meetings are keyed by month. A future meeting nobody changed by hand follows the pattern
    (its time moves if the pattern moved); one changed by hand (moved, cancelled, another
    venue) is left exactly as it is. Past meetings, meetings under way, and meetings that
    following the pattern would move to another day while something is on record for them
    (issues, check-ins) are never touched. Takes a lock on the group row so two regenerations
    of one group run one after the other.
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
            elif (
                not meeting.changed_by_hand
                and not meeting.has_started(now)
                and not _would_re_date_a_record(meeting, starts_at)
            ):
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
                and not meeting.has_started(now)
                and not has_confidential_record(meeting)
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


def _lock(meeting: Meeting) -> Meeting:
    """The meeting's row, locked until the transaction ends and read afresh, so a decision
    such as "has it started?" cannot be overtaken by the room starting at the same moment."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.started_at, meeting.ended_at = fresh.started_at, fresh.ended_at
    meeting.status, meeting.sequence = fresh.status, fresh.sequence
    meeting.agenda_version, meeting.agenda_announced = fresh.agenda_version, fresh.agenda_announced
    return meeting


def _require_not_started(meeting: Meeting, verb: str) -> None:
    """Once a meeting has begun (by the clock or the room, whichever was first) what is said
    in it belongs to that day: it is never moved, cancelled or re-dated."""
    if meeting.is_cancelled:
        raise ValidationError(f"This meeting is cancelled; it cannot be {verb}.")
    if meeting.has_ended():
        raise ValidationError(f"This meeting is over; it cannot be {verb}.")
    if meeting.has_started():
        raise ValidationError(f"This meeting has started; it can no longer be {verb}.")


def _emit(meeting: Meeting, event: str) -> None:
    """Tell other systems (webhooks), inside the act's transaction: when and where, never why
    it was cancelled or anything of its agenda's content."""
    emit(
        event,
        network_id=meeting.group.network_id,
        data={
            "meeting": meeting.pk,
            "group": meeting.group_id,
            "group_name": meeting.group.name,
            "status": meeting.status,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "venue": meeting.venue.name if meeting.venue else None,
            "online": bool(meeting.online_link),
            "sequence": meeting.sequence,
        },
    )


def meeting_move(
    *,
    meeting: Meeting,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None,
    online_link: str,
    by: User,
) -> Meeting:
    """Give one meeting another time or place; it then keeps that through regeneration.

    Refused once the meeting has started, and, once anything confidential exists for it
    (issues, check-ins), a move to another day: the joined-later rule reads the meeting's day,
    so that day stays fixed. Locks the meeting's row; members are emailed on commit.
    """
    require(by, "meetings.move", meeting)
    _require_not_started(meeting, "moved")
    if ends_at <= starts_at:
        raise ValidationError({"end_time": "The meeting must end after it starts."})
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError({"date": "Choose a time in the future."})
    latest = move_latest_day(meeting)
    new_day = starts_at.astimezone(ZoneInfo(meeting.group.time_zone)).date()
    if new_day > latest:
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
        _lock(meeting)
        _require_not_started(meeting, "moved")
        if new_day != meeting.day and has_confidential_record(meeting):
            raise ValidationError(
                {
                    "date": f"Issues or check-ins are already in for this meeting, so it stays "
                    f"on {meeting.day:%A} {format_day(meeting.day)}. Choose another time that "
                    "day, or cancel it and hold another meeting."
                }
            )
        # The speaker asked for it must not end up in two places at once (their rows locked,
        # as booking_create locks them, so a booking made meanwhile cannot slip past).
        speaker_ids = lock_speakers_of(meeting)
        clash = overlapping_booking(speaker_ids, starts_at, ends_at, besides=meeting.pk)
        if clash is not None:
            raise ValidationError({"date": clash_message(clash, moving=True)})
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
        meeting.venue, meeting.online_link = venue, online_link
        meeting.changed_by_hand = True
        meeting.sequence += 1
        meeting.agenda_announced = None  # this change's email carries the agenda as it is now
        meeting.save(
            update_fields=[
                "starts_at",
                "ends_at",
                "venue",
                "online_link",
                "changed_by_hand",
                "sequence",
                "agenda_announced",
                "updated_at",
            ]
        )
        _emit(meeting, "meeting.changed")
        transaction.on_commit(lambda: tasks.send_meeting_change(meeting_id=meeting.pk))
    return meeting


def meeting_cancel(*, meeting: Meeting, reason: str, by: User) -> Meeting:
    """Call a meeting off before it starts; its open issues go to the next meeting.

    Refused once the meeting has started (by the clock or the room). Locks the meeting's row;
    members are emailed a cancellation on commit.
    """
    require(by, "meetings.cancel", meeting)
    _require_not_started(meeting, "cancelled")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why, so members know (for example: venue unavailable)."}
        )
    with transaction.atomic():
        _lock(meeting)
        _require_not_started(meeting, "cancelled")
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancel_reason = reason
        meeting.changed_by_hand = True
        meeting.sequence += 1
        meeting.save(
            update_fields=["status", "cancel_reason", "changed_by_hand", "sequence", "updated_at"]
        )
        issues_carry_over(meeting=meeting)
        _emit(meeting, "meeting.cancelled")
        transaction.on_commit(lambda: tasks.send_meeting_change(meeting_id=meeting.pk))
    return meeting


def meeting_reinstate(*, meeting: Meeting, by: User) -> Meeting:
    """Undo a cancellation before the meeting's time: it is on again, and calendars are
    updated on commit. Locks the meeting's row."""
    require(by, "meetings.reinstate", meeting)
    if not meeting.is_cancelled:
        raise ValidationError("This meeting is not cancelled.")
    if meeting.has_started():
        raise ValidationError("This meeting's time has passed; move it to a new date instead.")
    with transaction.atomic():
        _lock(meeting)
        if not meeting.is_cancelled:
            raise ValidationError("This meeting is not cancelled.")
        meeting.status = Meeting.Status.SCHEDULED
        meeting.cancel_reason = ""
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        _emit(meeting, "meeting.changed")
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
    """Replace the meeting's agenda before it starts; refuses one that runs past the end.

    Once the meeting has started the room runs on the agenda, so it is kept as it was.
    """
    require(by, "meetings.edit_agenda", meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled; its agenda cannot be changed.")
    if meeting.has_ended():
        raise ValidationError("This meeting is over; its agenda is kept as it was.")
    if meeting.has_started():
        raise ValidationError("This meeting has started; its agenda is kept as it was.")
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
        _lock(meeting)
        _require_not_started(meeting, "given another agenda")
        before = agenda_times(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
        AgendaItem.objects.filter(meeting=meeting).delete()
        items = AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, title=s.title, kind=s.kind, minutes=s.minutes)
            for i, s in enumerate(segments)
        )
        if agenda_times(items) != before:
            if meeting.agenda_announced is None:
                meeting.agenda_announced = before  # what members have until this is announced
            meeting.agenda_version += 1
            meeting.save(update_fields=["agenda_version", "agenda_announced", "updated_at"])
            version = meeting.agenda_version
            transaction.on_commit(
                lambda: tasks.announce_agenda_change.schedule(
                    kwargs={"meeting_id": meeting.pk, "version": version},
                    delay=AGENDA_BATCH.total_seconds(),
                )
            )
        return items


def agenda_times(items: Iterable[AgendaItem]) -> list[list[object]]:
    """The agenda as far as its times go: each segment's kind and length, in order (a
    renamed segment keeps its times). Stored as JSON in `Meeting.agenda_announced`."""
    return [[item.kind, item.minutes] for item in items]


def agenda_change_announce(*, meeting_id: int, version: int) -> bool:
    """Announce the agenda edits of the last few minutes in one email, if their times differ
    from what members last had: SEQUENCE rises and `send_meeting_change` goes to members.

    Queued by `agenda_replace` for AGENDA_BATCH after each edit that changes the times. Under
    the meeting's row lock only the task of the latest edit (its `version`) acts, and it
    clears `agenda_announced` in the same transaction, so an earlier edit's task, a second run
    of the same task, or a move that already sent the agenda, does nothing. Edits that end up
    where members' calendars already are, a cancelled meeting and one under way send nothing.
    Returns whether an update was sent.
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None or meeting.agenda_version != version:
            return False
        if meeting.agenda_announced is None:
            return False
        times = agenda_times(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
        send = (
            times != meeting.agenda_announced
            and not meeting.is_cancelled
            and not meeting.has_started()
        )
        meeting.agenda_announced = None
        fields = ["agenda_announced", "updated_at"]
        if send:
            meeting.sequence += 1
            fields.append("sequence")
            transaction.on_commit(
                lambda: tasks.send_meeting_change(meeting_id=meeting_id, agenda=True)
            )
        meeting.save(update_fields=fields)
    return send


def rsvp_set(*, meeting: Meeting, by: User, rsvp: str, reason: str = "") -> Participation:
    """The person's own reply (attending, or apologies with a reason) until the meeting
    starts; a second reply replaces the first. One row per person and meeting (a unique
    constraint), written with update_or_create. On commit the meeting's suggested
    conversations (networking) are rebuilt."""
    require(by, "meetings.rsvp", meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled, so there is nothing to reply to.")
    if meeting.has_started():
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
            user=by,
            defaults={"rsvp": rsvp, "apology_reason": reason, "responded_at": timezone.now()},
        )
        # Who is coming changed: the meeting's suggested conversations are rebuilt (once
        # here, never on a page view).
        transaction.on_commit(partial(networking_tasks.compute_suggestions, meeting.pk))
    return participation


def attendance_record(*, meeting: Meeting, marks: Mapping[int, str], by: User) -> None:
    """Record who was present, absent or excused; only for current members, once it has
    begun. An empty mark clears what was recorded. Writes in one transaction."""
    require(by, "meetings.record_attendance", meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled; there is no attendance to record.")
    if not meeting.has_started():
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


REMINDER_LEADS = {
    ReminderSent.Kind.WEEK: timedelta(days=7),
    ReminderSent.Kind.DAY: timedelta(days=1),
}
# A claimed reminder not sent by then (its send failed, or its worker died) is claimed again.
REMINDER_RETRY_AFTER = timedelta(minutes=15)
# Long enough to read, short enough that an old email in a shared inbox cannot reply for long.
REPLY_LINK_LIFETIME = timedelta(days=8)

logger = logging.getLogger(__name__)


def _claim_reminder(meeting: Meeting, user: User, kind: str, now: datetime) -> int | None:
    """Claim one reminder for sending; None if it is sent or claimed by another run."""
    try:
        with transaction.atomic():
            row = ReminderSent.objects.create(
                meeting=meeting, user=user, kind=kind, starts_at=meeting.starts_at, claimed_at=now
            )
        return row.pk
    except IntegrityError:
        pass
    stale = ReminderSent.objects.filter(
        meeting=meeting,
        user=user,
        kind=kind,
        starts_at=meeting.starts_at,
        sent_at=None,
        claimed_at__lte=now - REMINDER_RETRY_AFTER,
    ).first()
    if stale is None:
        return None
    # Only one run wins the re-claim: the update matches the claim time it read.
    won = ReminderSent.objects.filter(pk=stale.pk, claimed_at=stale.claimed_at).update(
        claimed_at=now
    )
    return stale.pk if won else None


def reply_link_create(*, meeting: Meeting, user: User) -> str:
    """A one-click reply token for this person and meeting, valid until the meeting starts
    (at most REPLY_LINK_LIFETIME); only its SHA-256 is stored. Returns the token."""
    token = secrets.token_urlsafe(32)
    ReplyLink.objects.create(
        meeting=meeting,
        user=user,
        token_hash=hash_token(token),
        expires_at=min(meeting.starts_at, timezone.now() + REPLY_LINK_LIFETIME),
    )
    return token


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Claim and send each reminder that has come due; returns how many were claimed.

    A reminder is due from its lead time before the meeting until the next shorter reminder
    is due, so a worker that was down catches up without sending both. Each is claimed by a
    unique ReminderSent row (safe in several workers at once) keyed by the meeting's time, so
    a meeting moved after its reminder gets a new one. The email is sent by the
    `send_reminder` task, which marks the row sent; a claim left unsent (a failed send, a dead
    worker) is claimed again after REMINDER_RETRY_AFTER. Nobody is reminded who turned it off.
    """
    now = now or timezone.now()
    week, day = REMINDER_LEADS[ReminderSent.Kind.WEEK], REMINDER_LEADS[ReminderSent.Kind.DAY]
    windows = [
        (ReminderSent.Kind.WEEK, now + day, now + week, "remind_week_before"),
        (ReminderSent.Kind.DAY, now, now + day, "remind_day_before"),
    ]
    claimed: list[tuple[int, Meeting, User]] = []
    to_speakers: list[int] = []
    for kind, after, until, setting in windows:
        meetings = list(
            Meeting.objects.filter(
                status=Meeting.Status.SCHEDULED,
                started_at=None,
                starts_at__gt=after,
                starts_at__lte=until,
            ).select_related("group")
        )
        if not meetings:
            continue
        # Who has this reminder already, who should get it, and each confirmed speaker: one
        # query each for all the window's meetings, however many there are.
        starts = {m.pk: m.starts_at for m in meetings}
        sent: dict[int, set[int]] = {m.pk: set() for m in meetings}
        rows = (
            ReminderSent.objects.filter(meeting_id__in=list(starts), kind=kind)
            .exclude(sent_at=None, claimed_at__lte=now - REMINDER_RETRY_AFTER)
            .values_list("meeting_id", "user_id", "starts_at")
        )
        for meeting_id, user_id, starts_at in rows:
            if starts_at == starts[meeting_id]:
                sent[meeting_id].add(user_id)
        attendees = attendees_by_group({m.group_id for m in meetings})
        speakers = confirmed_speakers_for(list(starts))
        for meeting in meetings:
            for user in attendees[meeting.group_id]:
                if user.pk in sent[meeting.pk] or not getattr(user, setting):
                    continue
                reminder_id = _claim_reminder(meeting, user, kind, now)
                if reminder_id is not None:
                    claimed.append((reminder_id, meeting, user))
            # The speaker confirmed for it is reminded too (their own email, no reply links).
            for user in speakers[meeting.pk]:
                if user.pk in sent[meeting.pk] or not getattr(user, setting):
                    continue
                reminder_id = _claim_reminder(meeting, user, kind, now)
                if reminder_id is not None:
                    to_speakers.append(reminder_id)
    for reminder_id, meeting, user in claimed:
        token = reply_link_create(meeting=meeting, user=user)
        try:
            tasks.send_reminder(reminder_id=reminder_id, now=now.isoformat(), reply_token=token)
        except Exception:  # a failed send (inline in immediate mode) is retried by a later run
            logger.exception("Reminder %s was not sent; it will be tried again.", reminder_id)
    for reminder_id in to_speakers:
        try:
            speaker_tasks.send_speaker_reminder(reminder_id=reminder_id)
        except Exception:  # as above
            logger.exception("Reminder %s was not sent; it will be tried again.", reminder_id)
    return len(claimed) + len(to_speakers)


def rsvp_by_link(*, token: str, rsvp: str, reason: str = "") -> Participation:
    """Reply with a one-click link from a reminder: no password; the link works once and
    not after it expires. The reply is the link's person's own, checked like any reply."""
    link = (
        ReplyLink.objects.filter(token_hash=hash_token(token))
        .select_related("meeting__group", "user")
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise ValidationError(REPLY_LINK_SPENT)
    with transaction.atomic():
        spent = ReplyLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now())
        if not spent:
            raise ValidationError(REPLY_LINK_SPENT)
        return rsvp_set(meeting=link.meeting, by=link.user, rsvp=rsvp, reason=reason)


REPLY_LINK_SPENT = (
    "This reply link has been used or has expired. Log in to reply, or to change your reply."
)
