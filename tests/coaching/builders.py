"""Coaching builders: the world's coach with a profile and hours, and engagements."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import count
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.coaching import actions
from peerpower.coaching.models import (
    AvailabilityException,
    AvailabilityRule,
    CoachProfile,
    Engagement,
    Goal,
    Session,
)
from peerpower.networks.models import Network, NetworkRole
from tests import factories

if TYPE_CHECKING:
    from tests.conftest import World

WEEKDAYS = range(7)  # every day, so a test may pick any


def coach_profile(
    network: Network,
    user: User,
    *,
    time_zone: str = "Europe/London",
    hours: tuple[time, time] = (time(9), time(17)),
    days: range | tuple[int, ...] = WEEKDAYS,
    buffer_minutes: int = 15,
    notice_hours: int = 24,
    horizon_days: int = 90,
) -> CoachProfile:
    if not NetworkRole.objects.filter(network=network, user=user, role="coach").exists():
        NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.COACH)
    profile = actions.profile_for(network=network, user=user)
    CoachProfile.objects.filter(pk=profile.pk).update(
        time_zone=time_zone,
        buffer_minutes=buffer_minutes,
        notice_hours=notice_hours,
        horizon_days=horizon_days,
        where=CoachProfile.Where.ONLINE,
        where_detail="https://meet.example.org/cora",
    )
    profile.refresh_from_db()
    AvailabilityRule.objects.filter(coach=profile).delete()
    for day in days:
        AvailabilityRule.objects.create(coach=profile, weekday=day, starts=hours[0], ends=hours[1])
    return profile


def engagement(
    profile: CoachProfile,
    member: User,
    *,
    allowance: int = 6,
    unit: str = Engagement.Unit.SESSIONS,
    by: User | None = None,
) -> Engagement:
    admin_user = (
        by
        or User.objects.filter(
            network_roles__network=profile.network, network_roles__role="admin"
        ).first()
        or factories.make_admin(profile.network)
    )
    today = timezone.localdate()
    return actions.engagement_create(
        network=profile.network,
        coach=profile.user,
        member=member,
        unit=unit,
        allowance=allowance,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        areas=[],
        by=admin_user,
    )


def day_ahead(days: int, zone: str = "Europe/London") -> date:
    return (timezone.now().astimezone(ZoneInfo(zone)) + timedelta(days=days)).date()


def at(day: date, hour: int, minute: int = 0, zone: str = "Europe/London") -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def book(
    e: Engagement, starts_at: datetime, minutes: int = 60, *, by: User | None = None
) -> Session:
    return actions.session_book(
        engagement=e,
        starts_at=starts_at,
        minutes=minutes,
        agenda="",
        idempotency_key=uuid.uuid4(),
        by=by or e.member,
    )


def ics_of(message: object) -> str:
    """The calendar file attached to an email, as text."""
    content = message.attachments[0][1]  # type: ignore[attr-defined]
    return content.decode() if isinstance(content, bytes) else str(content)


@dataclass
class CoachingWorld:
    profile: CoachProfile
    engagement: Engagement
    session: Session
    goal: Goal
    rule: AvailabilityRule
    exception: AvailabilityException


_seq = count(1)


def coaching_world(world: "World") -> CoachingWorld:
    """The world's coach coaching the world's member (made once), with a fresh booked session
    on each call, a goal, weekly hours and a day off."""
    profile = CoachProfile.objects.filter(network=world.network, user=world.coach).first()
    if profile is None:
        profile = coach_profile(world.network, world.coach)
    e = Engagement.objects.filter(coach=profile, member=world.member).first()
    if e is None:
        e = engagement(profile, world.member, allowance=500, by=world.admin)
    n = next(_seq)
    starts = at(day_ahead(3 + n // 8), 9) + timedelta(hours=n % 8)
    session = Session.objects.create(
        engagement=e,
        coach=world.coach,
        member=world.member,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        blocked_until=starts + timedelta(minutes=60),
        idempotency_key=uuid.uuid4(),
    )
    goal, _ = Goal.objects.get_or_create(engagement=e, title="Grow unrestricted income")
    rule = profile.rules.first() or AvailabilityRule.objects.create(
        coach=profile, weekday=0, starts=time(9), ends=time(10)
    )
    exception, _ = AvailabilityException.objects.get_or_create(
        coach=profile, day=day_ahead(40), kind=AvailabilityException.Kind.OFF
    )
    return CoachingWorld(profile, e, session, goal, rule, exception)
