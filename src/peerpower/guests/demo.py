"""The demo's guests: the public page, requests in every state (one a possible competitor),
guests invited to the next meetings, a past visit with feedback and an application, and a
former guest who is now a member. Built as rows, like the rest of the demo (`load_demo`)."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.models import (
    GUEST_PLEDGE_VERSION,
    ConflictFinding,
    GroupGuestSettings,
    GuestRequest,
    GuestSettings,
)
from peerpower.guests.queries import find_conflicts
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network

S = GuestRequest.Status


def load_guests(network: Network, admin: User, make_user: Callable[[str, str], User]) -> None:
    """`make_user(email, name)` makes a demo login (the demo's password)."""
    now = timezone.now()
    GuestSettings.objects.create(
        network=network,
        costs="£600 a year, paid by most members' organisations. Bursaries cover the whole fee "
        "for organisations with an income under £100k; ask us.",
    )
    groups = list(PeerGroup.objects.filter(network=network).order_by("pk"))
    tuesday, thursday, online = groups[0], groups[1], groups[2]
    for group, area in ((tuesday, "London, N1"), (online, "online")):
        GroupGuestSettings.objects.create(group=group, listed=True, places=2, area=area)

    def upcoming(group: PeerGroup, n: int = 0) -> Meeting:
        return Meeting.objects.filter(
            group=group, status=Meeting.Status.SCHEDULED, starts_at__gt=now
        ).order_by("starts_at")[n]

    last_tuesday = (
        Meeting.objects.filter(group=tuesday, ends_at__lt=now - timedelta(days=1))
        .order_by("-starts_at")
        .first()
    )

    def request(
        name: str, email: str, organisation: str, status: str, **fields: object
    ) -> GuestRequest:
        days = int(fields.pop("days_ago", 10))  # type: ignore[call-overload]
        created = now - timedelta(days=days)
        values: dict[str, object] = {
            "network": network,
            "name": name,
            "email": email,
            "job_title": "Chief executive",
            "organisation": organisation,
            "sector": "community",
            "income_band": "small",
            "region": "london",
            "reason": "I lead a small team and have nobody outside it to think with.",
            "preferred_group": tuesday,
            "heard_from": "A member told me",
            "consent": True,
            "status": status,
            "created_at": created,
            "last_activity_at": created + timedelta(days=1),
            "confirmed_at": None if status in (S.NEW, S.EXPIRED) else created + timedelta(hours=2),
        }
        values.update(fields)
        return GuestRequest.objects.create(**values)

    request("Tom Baker", "tom.baker@example.org", "Hope Street Pantry", S.NEW, days_ago=1)
    request("Ivy Chen", "ivy.chen@example.org", "Lantern Youth Club", S.EXPIRED, days_ago=20)
    competitor = request(
        "Rhys Evans",
        "rhys.evans@example.org",
        "Eastside Housing Association",
        S.CONFIRMED,
        sector="housing",
        income_band="large",
        days_ago=3,
    )
    for found in find_conflicts(competitor, tuesday):
        ConflictFinding.objects.create(
            request=competitor,
            group=tuesday,
            membership=found.membership,
            kind=found.kind,
            reason=found.reason,
        )
    request(
        "Sara Lind",
        "sara.lind@example.org",
        "Quiet Minds",
        S.DECLINED,
        declined_at=now,
        days_ago=30,
    )
    request("", "", "", S.WITHDRAWN, days_ago=40, reason="")  # erased when withdrawn
    # Guests invited to the next meetings: one with a login, pledged.
    guest = make_user("guest@demo.peerpower.test", "Gina Walsh")
    next_tuesday = upcoming(tuesday)
    request(
        "Gina Walsh",
        guest.email,
        "Northside Literacy",
        S.INVITED,
        sector="education",
        meeting=next_tuesday,
        invited_at=now,
        invited_by=admin,
        user=guest,
        accepted_at=now,
        pledge_accepted_at=now,
        pledge_version=GUEST_PLEDGE_VERSION,
        days_ago=6,
    )
    request(
        "Omar Haddad",
        "omar.haddad@example.org",
        "Fresh Start Furniture",
        S.INVITED,
        preferred_group=online,
        meeting=upcoming(online),
        invited_at=now,
        invited_by=admin,
        days_ago=5,
    )
    # A past visit: present, feedback given, applied.
    if last_tuesday is not None:
        visitor = make_user("visitor@demo.peerpower.test", "Leah Moss")
        request(
            "Leah Moss",
            visitor.email,
            "Kind Kitchens CIC",
            S.APPLIED,
            meeting=last_tuesday,
            invited_at=last_tuesday.starts_at - timedelta(days=14),
            invited_by=admin,
            user=visitor,
            accepted_at=last_tuesday.starts_at - timedelta(days=13),
            pledge_accepted_at=last_tuesday.starts_at - timedelta(days=13),
            pledge_version=GUEST_PLEDGE_VERSION,
            attendance="present",
            visited_at=last_tuesday.starts_at,
            followed_up_at=last_tuesday.ends_at,
            usefulness=5,
            would_join="yes",
            held_back="trustees",
            feedback_at=now,
            hopes="Peers who have been where I am.",
            time_commitment="Half a day a month",
            trustees_view="Supportive, once they see the cost and the format.",
            application_group=tuesday,
            applied_at=now,
            days_ago=60,
        )
    # A former guest who is now a member of Thursday Circle.
    member = (
        Membership.objects.filter(group=thursday, role=Membership.Role.MEMBER)
        .select_related("user", "organisation")
        .order_by("pk")
        .last()
    )
    if member is not None:
        request(
            member.user.name,
            member.user.email,
            member.organisation.name if member.organisation else "Their charity",
            S.MEMBER,
            preferred_group=thursday,
            invited_at=now - timedelta(days=150),
            visited_at=now - timedelta(days=140),
            applied_at=now - timedelta(days=130),
            member_at=now - timedelta(days=120),
            membership=member,
            user=member.user,
            attendance="present",
            days_ago=160,
        )
