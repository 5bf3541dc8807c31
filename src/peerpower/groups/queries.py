"""Who may see which groups and memberships: every view, feed and export asks here.

A group is visible to its current members (active or paused) and chair, and to the admins of
its network (who run the logistics). Invited people who have not accepted, people who have
left, and everyone else see nothing of it.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, MembershipEvent, PeerGroup

if TYPE_CHECKING:
    from peerpower.meetings.models import Meeting

CURRENT = Membership.CURRENT


def visible_groups_rule(user: User | AnonymousUser, group: str = "") -> Q:
    """`groups_visible_to` as a condition on a row's group (`group` is the path to it, e.g.
    "group" for a meeting), so a query of another app filters by the ids the person's access
    holds instead of nesting the groups query."""
    access = access_for(user)
    prefix = f"{group}__" if group else ""
    return Q(**{f"{prefix}id__in": access.current_group_ids()}) | Q(
        **{f"{prefix}network_id__in": access.administered_network_ids()}
    )


def groups_visible_to(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    return PeerGroup.objects.filter(visible_groups_rule(user))


def groups_managed_by(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    """Groups the person may change: the ones they chair and all groups of networks they run."""
    access = access_for(user)
    return PeerGroup.objects.filter(
        Q(id__in=access.chaired_group_ids()) | Q(network_id__in=access.administered_network_ids())
    )


def groups_attended_by(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    """Groups whose meetings belong in the person's own calendar (active members and chair).

    A subquery rather than the request's access: its callers (the feed, reminders, tasks) ask
    it of someone other than the person making the request, once."""
    if not user.is_authenticated:
        return PeerGroup.objects.none()
    return PeerGroup.objects.filter(
        id__in=Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
            "group_id"
        )
    )


def current_memberships(group: PeerGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, status__in=CURRENT)
        .select_related("user", "organisation")
        .order_by("role", "user__name", "user__email")  # the chair first
    )


def is_active_chair(user: User | AnonymousUser, group_id: int) -> bool:
    return access_for(user).is_chair(group_id)


def membership_of(user: User, group: PeerGroup) -> Membership | None:
    return Membership.objects.filter(user=user, group=group).first()


def groups_with_counts(groups: QuerySet[PeerGroup]) -> QuerySet[PeerGroup]:
    return groups.select_related("network", "default_venue").annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__status__in=CURRENT, memberships__role=Membership.Role.MEMBER),
        )
    )


def waiting_memberships(group: PeerGroup) -> QuerySet[Membership]:
    """People on their way in: proposed by a network admin (for the chair to approve or
    decline) and invited (waiting for them to accept), oldest first."""
    return (
        Membership.objects.filter(
            group=group, status__in=[Membership.Status.PROPOSED, Membership.Status.INVITED]
        )
        .select_related("user", "proposed_by")
        .order_by("invited_at")
    )


def proposals_waiting_for(group_ids: Iterable[int]) -> list[Membership]:
    """People a network admin proposed for these groups, waiting for the chair to approve or
    decline (see `groups.joining`), oldest first: one query."""
    return list(
        Membership.objects.filter(group_id__in=list(group_ids), status=Membership.Status.PROPOSED)
        .select_related("user", "proposed_by")
        .order_by("invited_at", "pk")
    )


def current_chair(group: PeerGroup) -> Membership | None:
    return (
        Membership.objects.filter(
            group=group, role=Membership.Role.CHAIR, status__in=Membership.CURRENT
        )
        .select_related("user")
        .first()
    )


def membership_history(group: PeerGroup, *, everything: bool) -> QuerySet[MembershipEvent]:
    """The group's membership history, newest first. The whole group sees who joined, paused,
    came back, left, became chair or stepped down (each joining with who proposed and approved
    it); who was proposed, invited, declined or withdrawn before joining is for those who see
    the pending list too (`everything`: the chair and the network's admins)."""
    events = MembershipEvent.objects.filter(group=group)
    if not everything:
        events = events.filter(kind__in=MembershipEvent.SHOWN_TO_THE_GROUP)
    return events.select_related("user", "by", "approved_by", "proposed_by")


def attendance_window(today: date | None = None) -> tuple[date, date]:
    """The last 12 months, the span attendance norms are judged over."""
    today = today or timezone.localdate()
    return today - timedelta(days=365), today


def held_in_window(meetings: Iterable["Meeting"], now: datetime) -> int:
    """How many of these meetings were held (not cancelled) in the attendance window."""
    since = now - timedelta(days=365)
    return sum(1 for m in meetings if not m.is_cancelled and since <= m.starts_at <= now)


def pledges_due(user: User) -> list[Membership]:
    """The person's current memberships whose confidentiality pledge is not yet accepted
    (no query when their access says there are none)."""
    if not any(s.is_current and not s.pledged for s in access_for(user).seats.values()):
        return []
    return list(
        Membership.objects.filter(
            user=user, status__in=CURRENT, pledge_accepted_at__isnull=True
        ).select_related("group")
    )


def with_chair_state(groups: QuerySet[PeerGroup]) -> QuerySet[PeerGroup]:
    """Annotate `has_chair` (an active chair) and `chair_invited` (a chair invited, not yet in)."""
    chairs = Membership.objects.filter(group_id=OuterRef("pk"), role=Membership.Role.CHAIR)
    return groups.annotate(
        has_chair=Exists(chairs.filter(status=Membership.Status.ACTIVE)),
        chair_invited=Exists(chairs.filter(status=Membership.Status.INVITED)),
    )
