"""Which networks a person runs or belongs to, and the lists of the network admin's pages."""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

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

from peerpower.accounts.models import Invitation, User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Protocol, ProtocolStep
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network, NetworkRole, Organisation, ReplyReminder, Venue


def networks_administered_by(user: User | AnonymousUser) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(
        id__in=NetworkRole.objects.filter(user=user, role=NetworkRole.Role.ADMIN).values(
            "network_id"
        )
    )


def is_network_admin(user: User, network_id: int) -> bool:
    return (
        user.is_authenticated
        and NetworkRole.objects.filter(
            user=user, network_id=network_id, role=NetworkRole.Role.ADMIN
        ).exists()
    )


def networks_of_member(user: User) -> QuerySet[Network]:
    """Networks where the person holds a current membership (active or paused), each with
    `my_organisation_id`: the organisation on one of those memberships, or None."""
    current = Membership.objects.filter(
        user=user, group__network=OuterRef("pk"), status__in=Membership.CURRENT
    )
    return (
        Network.objects.filter(Exists(current))
        .annotate(
            my_organisation_id=Subquery(
                current.exclude(organisation=None).order_by("pk").values("organisation_id")[:1]
            )
        )
        .order_by("name")
    )


def venues_with_use(network: Network) -> QuerySet[Venue]:
    """The network's venues with their partner and how many groups meet there by default."""
    return (
        Venue.objects.filter(network=network)
        .select_related("partner")
        .annotate(
            group_count=Subquery(
                PeerGroup.objects.filter(default_venue=OuterRef("pk"))
                .values("default_venue")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
        .order_by("name")
    )


def organisations_with_counts(network: Network) -> QuerySet[Organisation]:
    """The network's member organisations, each with how many current members lead it."""
    return (
        Organisation.objects.filter(network=network)
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status__in=Membership.CURRENT))
        )
        .order_by("name")
    )


def protocols_with_use(network: Network) -> QuerySet[Protocol]:
    """The network's own issue protocols and the built-in ones, each with its steps and how
    many of the network's groups use it; the network's own first."""
    return (
        Protocol.objects.filter(Q(network=network) | Q(network=None))
        .annotate(
            group_count=Subquery(
                PeerGroup.objects.filter(network=network, protocol=OuterRef("pk"))
                .values("protocol")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
        .prefetch_related(Prefetch("steps", queryset=ProtocolStep.objects.order_by("position")))
        .order_by(F("network").asc(nulls_last=True), "name")
    )


def invitations_waiting(network_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Per network: invitations sent, not yet accepted and not expired (one query)."""
    rows = (
        Invitation.objects.filter(network_id__in=network_ids, accepted_at=None, expires_at__gt=now)
        .values("network_id")
        .annotate(n=Count("pk"))
    )
    return {row["network_id"]: row["n"] for row in rows}


def invitations_sent_by(user: User, now: datetime) -> QuerySet[Invitation]:
    """Invitations the person sent that are still waiting to be accepted."""
    return Invitation.objects.filter(
        invited_by=user, accepted_at=None, expires_at__gt=now
    ).select_related("user", "group")


def reminded_today(meetings: Sequence[Meeting], now: datetime) -> set[int]:
    """The meetings whose members were already reminded to reply today, in each group's own
    day (one query)."""
    if not meetings:
        return set()
    today = {m.pk: now.astimezone(ZoneInfo(m.group.time_zone)).date() for m in meetings}
    rows = ReplyReminder.objects.filter(
        meeting_id__in=today, day__gte=min(today.values())
    ).values_list("meeting_id", "day")
    return {meeting_id for meeting_id, day in rows if today[meeting_id] == day}
