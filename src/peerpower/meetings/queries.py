"""Which meetings a person sees, and the aggregates the group and home pages show."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.groups.queries import attendance_window, groups_attended_by, groups_visible_to
from peerpower.meetings.models import AgendaItem, Meeting, Participation
from peerpower.networks.models import DEFAULT_AGENDA, AgendaTemplateItem


def meetings_visible_to(user: User | AnonymousUser) -> QuerySet[Meeting]:
    return Meeting.objects.filter(group__in=groups_visible_to(user)).select_related(
        "group", "venue", "group__network"
    )


def meetings_for(user: User | AnonymousUser) -> QuerySet[Meeting]:
    """Meetings that belong in the person's own calendar and reminders."""
    return Meeting.objects.filter(group__in=groups_attended_by(user)).select_related(
        "group", "venue"
    )


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


def agenda_template(group: PeerGroup) -> list[tuple[str, str, int]]:
    """The network's agenda template as (title, kind, minutes), or the built-in one."""
    rows = AgendaTemplateItem.objects.filter(network_id=group.network_id).order_by("position")
    return [(row.title, row.kind, row.minutes) for row in rows] or list(DEFAULT_AGENDA)
