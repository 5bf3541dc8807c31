"""Who may see what of the issues session. Every page, poll, email and export asks here.

The rule: a person sees a group's issues, check-ins, commitments and access log only while
they are a current member (active or paused) or the chair, have accepted the group's
confidentiality pledge, and only for meetings on or after the day they joined. Network admins,
coaches, speakers, guests, other groups and former members see nothing, whatever else they
may do. Scribe's notes are narrower still: the presenter's own, unless the presenter shared them.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Backing, Commitment, Issue, IssueView, MonthlyUpdate, Note
from peerpower.meetings.models import Meeting

CURRENT = Membership.CURRENT


def _seat(user: User, group_ref: str, meeting_start_ref: str) -> Exists:
    """The person held a pledged seat in the row's group by the day of the row's meeting."""
    return Exists(
        Membership.objects.filter(
            group=OuterRef(group_ref),
            user=user,
            status__in=CURRENT,
            pledge_accepted_at__isnull=False,
            joined_on__lte=OuterRef(meeting_start_ref),
        )
    )


def issues_visible_to(user: User | AnonymousUser) -> QuerySet[Issue]:
    """The group's issues for a pledged seat-holder; withdrawn ones only to their presenter
    (who may still delete them). Someone who has left sees none, not even their own."""
    if not user.is_authenticated:
        return Issue.objects.none()
    seat = _seat(user, "group_id", "meeting__day")
    return Issue.objects.filter(seat).exclude(Q(status=Issue.Status.WITHDRAWN) & ~Q(presenter=user))


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
    return MonthlyUpdate.objects.filter(_seat(user, "meeting__group_id", "meeting__day"))


def access_log_visible_to(user: User | AnonymousUser) -> QuerySet[IssueView]:
    return IssueView.objects.filter(issue__in=issues_visible_to(user))


def can_enter_room(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """May see the live room of this meeting (and so the issues in it)."""
    return access_for(user).holds_pledged_seat(meeting.group_id, meeting.day)


def room_version_for(user: User | AnonymousUser, meeting_id: int) -> int | None:
    """The room's version if the person may enter it, else None: the poll's whole question in
    one query (the same rule as `can_enter_room`)."""
    if not user.is_authenticated:
        return None
    return (
        Meeting.objects.filter(pk=meeting_id, room__isnull=False)
        .filter(_seat(user, "group_id", "day"))
        .values_list("room__version", flat=True)
        .first()
    )


def holds_pledged_seat(user: User | AnonymousUser, group: PeerGroup) -> bool:
    """A current member of the group (or its chair) who has accepted the pledge."""
    return access_for(user).holds_pledged_seat(group.pk)


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
        )
        .order_by(F("position").asc(nulls_last=True), "-urgency", "-backing_count", "created_at")
    )
