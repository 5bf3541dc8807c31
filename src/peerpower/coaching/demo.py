"""The demo's coaching: three coaches with hours in two time zones, engagements for six
members, past sessions with notes, one late cancellation waived, and upcoming bookings.
Built as rows, like the rest of the demo (`load_demo`)."""

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.coaching.models import (
    DEFAULT_AREAS,
    Area,
    AvailabilityException,
    AvailabilityRule,
    CoachingSettings,
    CoachProfile,
    Engagement,
    Goal,
    GoalUpdate,
    Session,
    SessionNote,
)
from peerpower.groups.models import Membership
from peerpower.networks.models import Network, NetworkRole

# (email, name, zone, weekly hours {weekday: (from, until)}, areas, biography)
COACHES = (
    (
        None,  # the demo's existing coach (coach@)
        "",
        "Europe/London",
        {1: (time(9), time(12)), 3: (time(14), time(18))},
        ("Finance", "Governance and the board"),
        "Former finance director of a national charity; coaches on budgets, reserves and boards.",
    ),
    (
        "coach.ruth",
        "Ruth Adebayo",
        "Europe/London",
        {0: (time(10), time(13)), 2: (time(10), time(16))},
        ("People", "Wellbeing"),
        "Executive coach for charity leaders: teams, difficult conversations, resilience.",
    ),
    (
        "coach.marion",
        "Marion Kowalski",
        "America/New_York",
        {1: (time(9), time(13)), 4: (time(8), time(12))},
        ("Fundraising", "Digital", "Strategy"),
        "New York-based fundraising strategist; works online with UK leaders in the morning.",
    ),
)


def _at(day: date, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def load_coaching(network: Network, coach: User, make_user: Callable[[str, str], User]) -> None:
    """`make_user(email, name)` makes a demo login (the demo's password)."""
    domain = coach.email.split("@", 1)[1]
    CoachingSettings.objects.create(network=network, notice_hours=24)
    areas = {name: Area.objects.create(network=network, name=name) for name in DEFAULT_AREAS}
    profiles = []
    for email, name, zone, hours, offered, bio in COACHES:
        user = coach if email is None else make_user(f"{email}@{domain}", name)
        if email is not None:
            NetworkRole.objects.create(network=network, user=user, role=NetworkRole.Role.COACH)
        profile = CoachProfile.objects.create(
            network=network,
            user=user,
            biography=bio,
            time_zone=zone,
            buffer_minutes=15,
            notice_hours=24,
            horizon_days=60,
            lengths="45, 60, 90",
            where=CoachProfile.Where.ONLINE,
            where_detail=f"https://meet.example.org/{user.email.split('@')[0]}",
        )
        profile.areas.set([areas[a] for a in offered])
        for weekday, (starts, ends) in hours.items():
            AvailabilityRule.objects.create(
                coach=profile, weekday=weekday, starts=starts, ends=ends
            )
        profiles.append(profile)
    today = timezone.localdate()
    # A holiday for the first coach, and an extra evening for the second.
    AvailabilityException.objects.create(coach=profiles[0], day=today + timedelta(days=15))
    AvailabilityException.objects.create(
        coach=profiles[1],
        day=_weekday_on_or_after(today + timedelta(days=9), 3),
        kind=AvailabilityException.Kind.EXTRA,
        starts=time(18),
        ends=time(20),
    )
    members = list(
        Membership.objects.filter(
            group__network=network, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
        )
        .select_related("user")
        .order_by("group_id", "pk")
        .values_list("user", flat=True)[:6]
    )
    member_users = list(User.objects.filter(pk__in=members).order_by("pk"))
    for index, member in enumerate(member_users):
        profile = profiles[index % 3]
        unit = Engagement.Unit.HOURS if index == 4 else Engagement.Unit.SESSIONS
        engagement = Engagement.objects.create(
            network=network,
            coach=profile,
            member=member,
            unit=unit,
            allowance=8 if unit == Engagement.Unit.HOURS else 6,
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=120 if index != 5 else 20),
        )
        engagement.areas.set(list(profile.areas.all())[:2])
        goal = Goal.objects.create(engagement=engagement, title="Build six months' reserves")
        GoalUpdate.objects.create(
            goal=goal, by=member, text="Board agreed a reserves policy", rating=3
        )
        rule = AvailabilityRule.objects.filter(coach=profile).order_by("weekday").first()
        if rule is None:  # every demo coach has hours
            continue
        # Each coach has two coachees: the second two hours later, so no two sessions overlap
        # with the buffer (PostgreSQL's exclusion constraint refuses it).
        weekday, hour = rule.weekday, rule.starts.hour + 2 * (index // 3)
        first = _weekday_on_or_after(today - timedelta(days=42), weekday)
        for week, status in ((0, Session.Status.HELD), (2, Session.Status.HELD), (4, "late")):
            day = first + timedelta(days=7 * week)
            begins = _at(day, hour, profile.time_zone)
            session = _session(engagement, begins, 60)
            if status == "late":
                session.status = Session.Status.CANCELLED
                session.late = True
                session.waived = index == 0  # one late cancellation the coach waived
                session.cancelled_by = member
                session.cancelled_at = begins - timedelta(hours=3)
                session.save()
                continue
            session.status = status
            session.save(update_fields=["status"])
            SessionNote.objects.create(
                session=session,
                author=member,
                kind=SessionNote.Kind.SHARED,
                text="Agreed: draft the reserves paper before the next board.",
            )
            SessionNote.objects.create(
                session=session,
                author=profile.user,
                kind=SessionNote.Kind.PRIVATE,
                text="Confident on numbers; less so on the chair. Try role-play next time.",
            )
        upcoming = _weekday_on_or_after(today + timedelta(days=3), weekday)
        _session(engagement, _at(upcoming, hour, profile.time_zone), 60)


def _session(engagement: Engagement, begins: datetime, minutes: int) -> Session:
    ends = begins + timedelta(minutes=minutes)
    return Session.objects.create(
        engagement=engagement,
        coach=engagement.coach.user,
        member=engagement.member,
        starts_at=begins,
        ends_at=ends,
        blocked_until=ends + engagement.coach.buffer,
        agenda="Reserves policy and the board",
        idempotency_key=uuid.uuid4(),
    )
