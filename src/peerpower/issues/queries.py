"""Who may see what of the issues session. Every page, poll, email and export asks here.

The rule: a person sees a group's issues, check-ins, commitments and access log only while
they are a current member (active or paused) or the chair, have accepted the group's
confidentiality pledge, and only for meetings on or after the day they joined. Network admins,
coaches, speakers, guests, other groups and former members see nothing, whatever else they
may do. Scribe's notes are narrower still: the presenter's own, unless the presenter shared them.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import (
    ROOM_FIRST_VERSION,
    Backing,
    Commitment,
    Issue,
    IssueView,
    MonthlyUpdate,
    Note,
    Protocol,
    RoomState,
)
from peerpower.meetings.models import Meeting
from peerpower.networks.models import AgendaSegmentKind

CURRENT = Membership.CURRENT


def _seat(user: User, group_ref: str, meeting_start_ref: str) -> Exists:
    """The person held a pledged seat in the row's group by the day of the row's meeting, in SQL:
    for the poll, whose one query must not load the person's access first (see `_seats`)."""
    return Exists(
        Membership.objects.filter(
            group=OuterRef(group_ref),
            user=user,
            status__in=CURRENT,
            pledge_accepted_at__isnull=False,
            joined_on__lte=OuterRef(meeting_start_ref),
        )
    )


def _seats(user: User, group_field: str, day_field: str) -> Q | None:
    """The same rule as `_seat`, answered from the person's access (loaded once per request,
    see groups.access): rows of a group where they hold a pledged current seat, of meetings on
    or after the day they joined. None when they hold no such seat: nothing to ask the database.
    Cheaper than the subquery, which the ORM rebuilt and compiled for every queryset."""
    seats = [
        seat
        for seat in access_for(user).seats.values()
        if seat.is_current and seat.pledged and seat.joined_on is not None
    ]
    if not seats:
        return None
    rule = Q()
    for seat in seats:
        rule |= Q(**{group_field: seat.group_id, f"{day_field}__gte": seat.joined_on})
    return rule


def issues_visible_to(user: User | AnonymousUser) -> QuerySet[Issue]:
    """The group's issues for a pledged seat-holder; withdrawn ones only to their presenter
    (who may still delete them). Someone who has left sees none, not even their own."""
    if not user.is_authenticated:
        return Issue.objects.none()
    seats = _seats(user, "group_id", "meeting__day")
    if seats is None:
        return Issue.objects.none()
    return Issue.objects.filter(seats).exclude(
        Q(status=Issue.Status.WITHDRAWN) & ~Q(presenter=user)
    )


def notes_visible_to(user: User | AnonymousUser) -> QuerySet[Note]:
    if not user.is_authenticated:
        return Note.objects.none()
    visible = issues_visible_to(user)
    return Note.objects.filter(issue__in=visible).filter(
        Q(issue__presenter=user) | Q(issue__notes_shared=True)
    )


def commitments_visible_to(user: User | AnonymousUser) -> QuerySet[Commitment]:
    if not user.is_authenticated:
        return Commitment.objects.none()
    return Commitment.objects.filter(issue__in=issues_visible_to(user))


def updates_visible_to(user: User | AnonymousUser) -> QuerySet[MonthlyUpdate]:
    if not user.is_authenticated:
        return MonthlyUpdate.objects.none()
    seats = _seats(user, "meeting__group_id", "meeting__day")
    return MonthlyUpdate.objects.none() if seats is None else MonthlyUpdate.objects.filter(seats)


def access_log_visible_to(user: User | AnonymousUser) -> QuerySet[IssueView]:
    return IssueView.objects.filter(issue__in=issues_visible_to(user))


_ROOM_VERSION_SQL = "SELECT version FROM {table} WHERE meeting_id = %s"


def room_version(meeting_id: int) -> int:
    """The room's version, whoever asks: for a poll whose seat was checked moments ago (see
    issues.views.ROOM_SEAT_TRUSTED). One primary-key lookup, written out once: the ORM spent
    more CPU building it than the database took to answer."""
    sql = _ROOM_VERSION_SQL.format(table=connection.ops.quote_name(RoomState._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [meeting_id])
        row = cursor.fetchone()
    return int(row[0]) if row is not None else ROOM_FIRST_VERSION


def room_version_for(user: User | AnonymousUser, meeting_id: int) -> int | None:
    """The room's version if the person may enter it, else None: the poll's whole question in
    one indexed query (the seat rule of `issues.rules`, in SQL). A room nobody has moved yet has no
    row, and the version an unsaved `RoomState` starts with."""
    if not user.is_authenticated:
        return None
    row = (
        Meeting.objects.filter(pk=meeting_id)
        .filter(_seat(user, "group_id", "day"))
        .values_list("pk", "room__version")
        .first()
    )
    if row is None:
        return None
    return row[1] if row[1] is not None else ROOM_FIRST_VERSION


def pledged_active_members(group_id: int) -> QuerySet[Membership]:
    """Who can take a part in the room (scribe) or have an issue brought for them."""
    return (
        Membership.objects.filter(
            group_id=group_id, status=Membership.Status.ACTIVE, pledge_accepted_at__isnull=False
        )
        .select_related("user")
        .order_by("role", "user__name", "user__email")
    )


def needs_pledge(user: User | AnonymousUser, group: PeerGroup) -> bool:
    """A current member who has not yet accepted the pledge (and so sees no issues)."""
    seat = access_for(user).seat(group.pk)
    return seat is not None and seat.is_current and not seat.pledged


def queue_for(user: User, meeting: Meeting) -> QuerySet[Issue]:
    """The meeting's issues the person may see, in the order the session will take them:
    the chair's order first, then urgency and backing."""
    return (
        issues_visible_to(user)
        .filter(meeting=meeting)
        .exclude(status=Issue.Status.WITHDRAWN)
        .select_related("presenter")
        .annotate(
            backing_count=Count("backings", distinct=True),
            backed_by_me=Exists(Backing.objects.filter(issue=OuterRef("pk"), user=user)),
            # For the presenter, at a glance: how many others have read it.
            reader_count=Count("views__user", filter=~Q(views__user=F("presenter")), distinct=True),
        )
        .order_by(F("position").asc(nulls_last=True), "-urgency", "-backing_count", "created_at")
    )


def report_back_for(user: User, meeting: Meeting) -> QuerySet[Commitment]:
    """Commitments that come up at this meeting's report-back, in one query: all of the last
    meeting's, every one still unfinished from before, and older ones reported since the last
    meeting, however long before it the member reported. A commitment on a worked issue always
    reaches it, since a worked issue can no longer be withdrawn."""
    previous_start = Subquery(
        Meeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    return (
        commitments_visible_to(user)
        .filter(issue__group_id=meeting.group_id, issue__meeting__starts_at__lt=meeting.starts_at)
        .filter(
            Q(status__in=Commitment.UNFINISHED_STATUSES)
            | Q(issue__meeting__starts_at__gte=previous_start)
            | Q(reported_at__gte=previous_start)
        )
        .select_related("member")
        .order_by("member__name", "due_on")
    )


def access_log_summary(user: User, group: PeerGroup) -> QuerySet[IssueView, dict[str, Any]]:
    """Who read which of the group's issues, on how many days and when last. The issues are
    named by presenter and meeting, not by their words, so the log is not one more place that
    shows them."""
    return (
        access_log_visible_to(user)
        .filter(issue__group=group)
        .values(
            "user__name",
            "user__email",
            "issue_id",
            "issue__presenter__name",
            "issue__presenter__email",
            "issue__meeting__starts_at",
        )
        .annotate(days=Count("id"), last=Max("viewed_at"))
        .order_by("-last", "issue_id", "user__email")  # a stable order, so pages do not overlap
    )


def readers_of(user: User, issue: Issue) -> QuerySet[IssueView, dict[str, Any]]:
    """Who has read the issue (other than its presenter), with the last day each did."""
    return (
        access_log_visible_to(user)
        .filter(issue=issue)
        .exclude(user_id=issue.presenter_id)
        .values("user_id", "user__name", "user__email")
        .annotate(days=Count("id"), last=Max("viewed_at"))
        .order_by("-last", "issue_id", "user__email")  # a stable order, so pages do not overlap
    )


def carried_from(user: User, meeting: Meeting) -> QuerySet[Issue]:
    """The person's own issues that were carried over from this meeting to a later one."""
    return (
        issues_visible_to(user)
        .filter(carried_from=meeting, presenter=user)
        .select_related("meeting")
    )


def open_commitments_of(user: User, limit: int) -> list[Commitment]:
    """The person's own unfinished commitments, soonest due first (home's "Your open
    commitments"): one query."""
    return list(
        commitments_visible_to(user)
        .filter(member=user, status__in=Commitment.UNFINISHED_STATUSES)
        .select_related("issue__group")
        .order_by("due_on")[:limit]
    )


def proposed_counts(user: User, meeting_ids: Iterable[int]) -> dict[int, int]:
    """For each of these meetings, how many of its issues the person sees still wait for the
    chair's order (proposed): one query."""
    return dict(
        issues_visible_to(user)
        .filter(meeting__in=list(meeting_ids), status=Issue.Status.PROPOSED)
        .values_list("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )


def carried_over_of(user: User, now: datetime) -> list[Issue]:
    """The person's own issues carried over to a meeting still ahead, each with the meeting it
    moved to (`meeting`) and the one it came from (`carried_from`), soonest first: one query."""
    return list(
        issues_visible_to(user)
        .filter(presenter=user, status=Issue.Status.PARKED, meeting__ends_at__gt=now)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting", "carried_from", "group")
        .order_by("meeting__starts_at", "created_at")
    )


def issues_that_fit(meeting: Meeting, protocol: Protocol) -> int:
    """How many issues the issues-session time holds at the protocol's length."""
    session = sum(
        item.minutes for item in meeting.agenda_items.all() if item.kind == AgendaSegmentKind.ISSUES
    )
    per_issue = protocol.total_minutes
    return session // per_issue if per_issue else 0


def own_issues_in(user: User, group: PeerGroup) -> QuerySet[Issue]:
    """The person's own issues in the group (withdrawn ones too), oldest first, each with the
    notes they may read and their commitment: what they may take with them when they leave."""
    return (
        issues_visible_to(user)
        .filter(group=group, presenter=user)
        .select_related("meeting", "commitment")
        .prefetch_related(Prefetch("notes", queryset=notes_visible_to(user), to_attr="my_notes"))
        .order_by("meeting__starts_at", "created_at")
    )


def commitment_tallies(
    *, group_id: int | None = None, member: User | None = None
) -> dict[tuple[date, str], int]:
    """How many commitments were made each month (by the meeting's month) in one group or by
    one member, by status: counts only, never a word of them (the impact dashboards)."""
    rows = Commitment.objects.all()
    if group_id is not None:
        rows = rows.filter(issue__meeting__group_id=group_id)
    if member is not None:
        rows = rows.filter(member=member)
    return {
        (month.date() if isinstance(month, datetime) else month, status): n
        for month, status, n in rows.annotate(month=TruncMonth("issue__meeting__starts_at"))
        .values_list("month", "status")
        .annotate(n=Count("pk"))
        .values_list("month", "status", "n")
    }
