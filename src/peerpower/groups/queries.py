"""Who may see which groups and memberships: every view, feed and export asks here.

A group is visible to its current members (active or paused) and chair, and to the admins of
its network (who run the logistics). Invited people who have not accepted, people who have
left, and everyone else see nothing of it.
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.networks.models import NetworkRole

CURRENT = (Membership.Status.ACTIVE, Membership.Status.PAUSED)


def _admin_network_ids(user: User) -> QuerySet[NetworkRole, Any]:
    return NetworkRole.objects.filter(user=user, role=NetworkRole.Role.ADMIN).values("network_id")


def groups_visible_to(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    if not user.is_authenticated:
        return PeerGroup.objects.none()
    member_of = Membership.objects.filter(user=user, status__in=CURRENT).values("group_id")
    return PeerGroup.objects.filter(
        Q(id__in=member_of) | Q(network_id__in=_admin_network_ids(user))
    )


def groups_managed_by(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    """Groups the person may change: the ones they chair and all groups of networks they run."""
    if not user.is_authenticated:
        return PeerGroup.objects.none()
    chairs = Membership.objects.filter(
        user=user, role=Membership.Role.CHAIR, status=Membership.Status.ACTIVE
    ).values("group_id")
    return PeerGroup.objects.filter(Q(id__in=chairs) | Q(network_id__in=_admin_network_ids(user)))


def groups_attended_by(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    """Groups whose meetings belong in the person's own calendar (active members and chair)."""
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


def pending_memberships(group: PeerGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, status=Membership.Status.INVITED)
        .select_related("user")
        .order_by("invited_at")
    )


def is_active_chair(user: User | AnonymousUser, group_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            group_id=group_id,
            user=user,
            role=Membership.Role.CHAIR,
            status=Membership.Status.ACTIVE,
        ).exists()
    )


def membership_of(user: User, group: PeerGroup) -> Membership | None:
    return Membership.objects.filter(user=user, group=group).first()


def groups_with_counts(groups: QuerySet[PeerGroup]) -> QuerySet[PeerGroup]:
    return groups.select_related("network", "default_venue").annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__status__in=CURRENT, memberships__role=Membership.Role.MEMBER),
        )
    )


def attendance_window(today: date | None = None) -> tuple[date, date]:
    """The last 12 months, the span attendance norms are judged over."""
    today = today or timezone.localdate()
    return today - timedelta(days=365), today
