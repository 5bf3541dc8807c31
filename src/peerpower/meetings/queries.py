"""Which meetings a person sees, and the aggregates the group and home pages show."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerpower.accounts.models import User, hash_token
from peerpower.groups.access import loaded_access
from peerpower.groups.models import Membership, PeerGroup
from peerpower.groups.queries import attendance_window, groups_attended_by, visible_groups_rule
from peerpower.issues.models import Issue, MonthlyUpdate
from peerpower.meetings.models import AgendaItem, Meeting, Participation, ReplyLink
from peerpower.networks.models import DEFAULT_AGENDA, AgendaTemplateItem
from peerpower.speakers.models import Booking


def meetings_visible_to(user: User | AnonymousUser) -> QuerySet[Meeting]:
    return Meeting.objects.filter(visible_groups_rule(user, "group")).select_related(
        "group", "venue", "group__network"
    )


def meetings_for(user: User | AnonymousUser) -> QuerySet[Meeting]:
    """Meetings that belong in the person's own calendar and reminders: by the ids of their
    access if this request has loaded it, else (the feed, reminders, tasks) by a subquery."""
    access = loaded_access(user)
    attended = (
        Q(group__in=groups_attended_by(user))
        if access is None
        else Q(group_id__in=access.active_group_ids())
    )
    return Meeting.objects.filter(attended).select_related("group__network", "venue")


def upcoming(meetings: QuerySet[Meeting], now: datetime | None = None) -> QuerySet[Meeting]:
    return meetings.filter(ends_at__gt=now or timezone.now()).order_by("starts_at")


def next_scheduled_after(meeting: Meeting) -> Meeting | None:
    """The group's next scheduled meeting after this one: where carried-over issues go."""
    return (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=meeting.starts_at,
        )
        .order_by("starts_at")
        .first()
    )


def with_agenda(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position"))
    )


def with_talks(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """With the agenda and the confirmed speaker's booking (`Meeting.confirmed_talk`), for
    pages and calendars that show the talk in the agenda."""
    return with_agenda(meetings).prefetch_related(confirmed_talks())


def confirmed_talks() -> Prefetch[Any]:
    """The prefetch `Meeting.confirmed_talk` reads: speaker and talk title, nothing else."""
    return Prefetch(
        "speaker_bookings",
        queryset=Booking.objects.filter(status=Booking.Status.ACCEPTED).select_related("speaker"),
        to_attr="confirmed_talks",
    )


def rsvps_awaited(user: User, now: datetime | None = None) -> QuerySet[Meeting]:
    """Scheduled upcoming meetings the person attends but has not answered."""
    answered = Participation.objects.filter(user=user).exclude(rsvp="").values("meeting_id")
    return (
        upcoming(meetings_for(user), now)
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now or timezone.now())
        .exclude(id__in=answered)
    )


def attendance_records(group: PeerGroup) -> dict[int, dict[str, int]]:
    """Per user: meetings held in the last 12 months and how each was recorded (one query)."""
    start, end = attendance_window()
    rows = (
        Participation.objects.filter(
            meeting__group=group,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__date__gte=start,
            meeting__starts_at__date__lte=end,
        )
        .exclude(attendance="")
        .values("user_id")
        .annotate(
            present=Count("id", filter=Q(attendance=Participation.Attendance.PRESENT)),
            absent=Count("id", filter=Q(attendance=Participation.Attendance.ABSENT)),
            excused=Count("id", filter=Q(attendance=Participation.Attendance.EXCUSED)),
        )
    )
    return {
        row["user_id"]: {
            "present": row["present"],
            "absent": row["absent"],
            "excused": row["excused"],
        }
        for row in rows
    }


def own_attendance(
    membership: Membership, now: datetime | None = None
) -> list[tuple[Meeting, Participation | None]]:
    """A member's own attendance record: each meeting of their group held in the attendance
    window since they joined, newest first, with their reply and what the chair recorded
    (two queries).

    Callers pass the asker's own membership: a member sees only this, while the chair and the
    network's admins see everyone's tally (`attendance_records`, behind the rule
    `meetings.see_attendance`).
    """
    now = now or timezone.now()
    start, _ = attendance_window(timezone.localdate(now))
    if membership.joined_on is not None:
        start = max(start, membership.joined_on)
    meetings = list(
        Meeting.objects.filter(
            group_id=membership.group_id,
            status=Meeting.Status.SCHEDULED,
            day__gte=start,
            starts_at__lte=now,
        ).order_by("-starts_at")
    )
    replies = {
        p.meeting_id: p
        for p in Participation.objects.filter(
            user_id=membership.user_id, meeting__in=[m.pk for m in meetings]
        )
    }
    return [(m, replies.get(m.pk)) for m in meetings]


def agenda_template(group: PeerGroup) -> list[tuple[str, str, int]]:
    """The network's agenda template as (title, kind, minutes), or the built-in one."""
    rows = AgendaTemplateItem.objects.filter(network_id=group.network_id).order_by("position")
    return [(row.title, row.kind, row.minutes) for row in rows] or list(DEFAULT_AGENDA)


# --- "What next?" on the home page: reads for chairs and network admins (one query each,
# whatever the number of groups).


def _count(rows: QuerySet[Any], by: str) -> Subquery:
    return Subquery(
        rows.values(by).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
    )


def next_meetings_with_replies(
    group_ids: Sequence[int], now: datetime | None = None
) -> list[Meeting]:
    """Each group's next scheduled meeting not yet over, soonest first, with `members` (its
    active members), `attending` and `apologies` (their replies so far)."""
    now = now or timezone.now()
    ahead = Meeting.objects.filter(status=Meeting.Status.SCHEDULED, ends_at__gt=now)
    first_ahead = ahead.filter(group_id=OuterRef("group_id")).order_by("starts_at").values("id")
    active = Membership.objects.filter(
        group_id=OuterRef("group_id"), status=Membership.Status.ACTIVE
    )
    replies = Participation.objects.filter(
        meeting_id=OuterRef("pk"),
        user__memberships__group_id=OuterRef("group_id"),
        user__memberships__status=Membership.Status.ACTIVE,
    )
    return list(
        ahead.filter(group_id__in=group_ids, id=Subquery(first_ahead[:1]))
        .select_related("group", "group__network")
        .annotate(
            members=Coalesce(_count(active, "group_id"), 0),
            attending=Coalesce(_count(replies.filter(rsvp="attending"), "meeting_id"), 0),
            apologies=Coalesce(_count(replies.filter(rsvp="apologies"), "meeting_id"), 0),
        )
        .order_by("starts_at")
    )


def members_not_replied(meetings: Sequence[Meeting]) -> dict[int, list[User]]:
    """Per meeting (at most one per group): its group's active members who have not replied."""
    meeting_of_group = {m.group_id: m.pk for m in meetings}
    replied = Participation.objects.filter(
        user_id=OuterRef("user_id"),
        meeting__group_id=OuterRef("group_id"),
        meeting_id__in=meeting_of_group.values(),
    ).exclude(rsvp="")
    waiting: dict[int, list[User]] = {pk: [] for pk in meeting_of_group.values()}
    rows = (
        Membership.objects.filter(group_id__in=meeting_of_group, status=Membership.Status.ACTIVE)
        .exclude(Exists(replied))
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    for membership in rows:
        waiting[meeting_of_group[membership.group_id]].append(membership.user)
    return waiting


def meetings_awaiting_attendance(
    group_ids: Sequence[int], now: datetime | None = None, within: timedelta = timedelta(days=92)
) -> list[Meeting]:
    """The groups' meetings held in the last three months with no attendance recorded yet."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(
            group_id__in=group_ids,
            status=Meeting.Status.SCHEDULED,
            ends_at__lte=now,
            ends_at__gt=now - within,
        )
        .exclude(
            Exists(Participation.objects.filter(meeting_id=OuterRef("pk")).exclude(attendance=""))
        )
        .select_related("group")
        .order_by("starts_at")
    )


def reply_of(user: User, meeting: Meeting | None) -> Participation | None:
    """The person's reply to a meeting, if they gave one."""
    if meeting is None:
        return None
    return Participation.objects.filter(meeting=meeting, user=user).first()


def has_confidential_record(meeting: Meeting) -> bool:
    """Whether anything said for this meeting is on record (an issue, withdrawn or not, or a
    check-in): its day then decides who may read it, so the day must not change."""
    return (
        Issue.objects.filter(meeting_id=meeting.pk).exists()
        or MonthlyUpdate.objects.filter(meeting_id=meeting.pk).exists()
    )


def attendees_of(group_id: int, user_ids: Sequence[int] | None = None) -> list[User]:
    """Who gets a group's meeting emails and reminders: its active members with an active
    account (as `groups_attended_by`), by id."""
    memberships = Membership.objects.filter(group_id=group_id, status=Membership.Status.ACTIVE)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=user_ids)
    return [
        m.user for m in memberships.select_related("user").order_by("user_id") if m.user.is_active
    ]


def attendees_by_group(group_ids: Iterable[int]) -> dict[int, list[User]]:
    """`attendees_of` for several groups in one query: group id → its active members with
    an active account, by id."""
    found: dict[int, list[User]] = {g: [] for g in group_ids}
    memberships = (
        Membership.objects.filter(group_id__in=list(found), status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("group_id", "user_id")
    )
    for m in memberships:
        if m.user.is_active:
            found[m.group_id].append(m.user)
    return found


def confirmed_speakers_for(meeting_ids: Iterable[int]) -> dict[int, list[User]]:
    """The speaker confirmed for each meeting (none or one), with an active account and still
    holding the speaker role in the network: they get its reminders too. One query for all."""
    found: dict[int, list[User]] = {m: [] for m in meeting_ids}
    bookings = Booking.objects.filter(
        meeting_id__in=list(found),
        status=Booking.Status.ACCEPTED,
        speaker__user__is_active=True,
        speaker__user__network_roles__network_id=F("speaker__network_id"),
        speaker__user__network_roles__role="speaker",
    ).select_related("speaker__user")
    for b in bookings:
        if b.speaker.user is not None:
            found[b.meeting_id].append(b.speaker.user)
    return found


def confirmed_speakers_of(meeting_id: int) -> list[User]:
    """The speaker confirmed for one meeting (as a list: none or one); see
    `confirmed_speakers_for`."""
    return confirmed_speakers_for([meeting_id])[meeting_id]


def reply_link_for(token: str) -> ReplyLink | None:
    """The one-click reply link a token names, while it can still be used."""
    return (
        ReplyLink.objects.filter(
            token_hash=hash_token(token), used_at=None, expires_at__gt=timezone.now()
        )
        .select_related("meeting__group", "meeting__venue", "user")
        .first()
    )
