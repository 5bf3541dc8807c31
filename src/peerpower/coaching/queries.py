"""Who sees what of coaching, decided here once; and the coach's offer and busy times.

An engagement (its allowance and what is left) is seen by its member, its coach and the
network's admins. Sessions, their agenda notes, shared notes and goals are the coach's and the
member's only; the coach's own notes are the coach's only. Admins see counts, never a note, a
goal or an agenda (`utilisation`). A coach sees a linked commitment's text and due date, and
nothing else of the member's group.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.coaching.models import (
    AvailabilityException,
    CoachProfile,
    Engagement,
    Goal,
    Session,
    SessionNote,
)
from peerpower.coaching.slots import Busy, Offer, free_slots
from peerpower.groups.models import Membership
from peerpower.meetings.models import Meeting
from peerpower.networks.models import NetworkRole

Person = User | AnonymousUser


def _coach_networks(user: Person) -> QuerySet[NetworkRole, Any]:
    return NetworkRole.objects.filter(user_id=user.pk or 0, role=NetworkRole.Role.COACH).values(
        "network_id"
    )


def _as_coach(user: Person) -> Q:
    """Engagements the person coaches, while they hold the coach role in its network."""
    return Q(coach__user_id=user.pk, network_id__in=_coach_networks(user))


def engagements_visible_to(user: Person) -> QuerySet[Engagement]:
    if not user.is_authenticated:
        return Engagement.objects.none()
    administered = NetworkRole.objects.filter(user_id=user.pk, role=NetworkRole.Role.ADMIN).values(
        "network_id"
    )
    return Engagement.objects.filter(
        Q(member_id=user.pk) | _as_coach(user) | Q(network_id__in=administered)
    ).select_related("coach__user", "member", "network")


def engagements_of(user: Person) -> QuerySet[Engagement]:
    """The person's own engagements, as member or as coach (not those they administer)."""
    if not user.is_authenticated:
        return Engagement.objects.none()
    return Engagement.objects.filter(Q(member_id=user.pk) | _as_coach(user)).select_related(
        "coach__user", "member", "network"
    )


def sessions_visible_to(user: Person) -> QuerySet[Session]:
    """Sessions of the person's own engagements: never an admin's, a chair's or anyone's else."""
    if not user.is_authenticated:
        return Session.objects.none()
    return Session.objects.filter(
        Q(engagement__member_id=user.pk)
        | Q(
            engagement__coach__user_id=user.pk,
            engagement__network_id__in=_coach_networks(user),
        )
    ).select_related("engagement__coach__user", "engagement__network", "member", "coach")


def notes_visible_to(user: Person, session: Session) -> QuerySet[SessionNote]:
    """The session's shared notes for its member; all of them for its coach."""
    if not user.is_authenticated or not sessions_visible_to(user).filter(pk=session.pk).exists():
        return SessionNote.objects.none()
    notes = SessionNote.objects.filter(session=session)
    if session.coach_id == user.pk:
        return notes
    return notes.filter(kind=SessionNote.Kind.SHARED)


def goals_visible_to(user: Person) -> QuerySet[Goal]:
    if not user.is_authenticated:
        return Goal.objects.none()
    return Goal.objects.filter(engagement__in=engagements_of(user).values("pk")).select_related(
        "commitment"
    )


# --- the allowance


@dataclass(frozen=True)
class Allowance:
    unit: str
    allowed: int
    used: int  # sessions, or minutes for an allowance in hours
    held: int

    @property
    def remaining(self) -> int:
        return max(self.allowed - self.used, 0)

    def describe(self, amount: int) -> str:
        if self.unit == Engagement.Unit.HOURS:
            hours = amount / 60
            text = f"{hours:g}"
            return f"{text} hour{'s' if hours != 1 else ''}"
        return f"{amount} session{'s' if amount != 1 else ''}"

    @property
    def remaining_text(self) -> str:
        return self.describe(self.remaining)

    @property
    def allowed_text(self) -> str:
        return self.describe(self.allowed)

    @property
    def used_text(self) -> str:
        return self.describe(self.used)


def counting(sessions: Sequence[Session]) -> list[Session]:
    return [s for s in sessions if s.counts]


def allowance_of(engagement: Engagement, sessions: Sequence[Session] | None = None) -> Allowance:
    """What the engagement allows and what is used: live sessions and unwaived late
    cancellations. Hours are counted in minutes."""
    rows = list(engagement.sessions.all()) if sessions is None else list(sessions)
    used_rows = counting(rows)
    held = sum(1 for s in rows if s.status == Session.Status.HELD)
    if engagement.unit == Engagement.Unit.HOURS:
        return Allowance(
            engagement.unit, engagement.allowance * 60, sum(s.minutes for s in used_rows), held
        )
    return Allowance(engagement.unit, engagement.allowance, len(used_rows), held)


# --- the coach's offer and busy times


def offer_of(profile: CoachProfile) -> Offer:
    """The coach's weekly hours and exceptions, as plain values (two queries)."""
    weekly: dict[int, list[tuple]] = {}  # type: ignore[type-arg]
    for rule in profile.rules.all():
        weekly.setdefault(rule.weekday, []).append((rule.starts, rule.ends))
    off: set[date] = set()
    extra: dict[date, list[tuple]] = {}  # type: ignore[type-arg]
    today = timezone.localdate()
    for exception in profile.exceptions.filter(day__gte=today - timedelta(days=2)):
        if exception.kind == AvailabilityException.Kind.OFF:
            off.add(exception.day)
        elif exception.starts is not None and exception.ends is not None:
            extra.setdefault(exception.day, []).append((exception.starts, exception.ends))
    return Offer(
        time_zone=profile.time_zone,
        weekly=weekly,
        off_days=frozenset(off),
        extra=extra,
        buffer=profile.buffer,
        notice=timedelta(hours=profile.notice_hours),
        horizon=timedelta(days=profile.horizon_days),
    )


def busy_for(
    coach_user_id: int,
    starts: datetime,
    ends: datetime,
    *,
    buffer: timedelta,
    excluding: int | None = None,
) -> list[Busy]:
    """The coach's live sessions with anyone in any network (each with its own buffer), and
    the scheduled meetings of groups they attend (padded by `buffer`), meeting [starts, ends)."""
    sessions = Session.objects.filter(
        coach_id=coach_user_id,
        status__in=Session.LIVE,
        starts_at__lt=ends,
        blocked_until__gt=starts,
    )
    if excluding is not None:
        sessions = sessions.exclude(pk=excluding)
    busy = [
        Busy(s["starts_at"], s["blocked_until"])
        for s in sessions.values("starts_at", "blocked_until")
    ]
    meetings = Meeting.objects.filter(
        group__memberships__user_id=coach_user_id,
        group__memberships__status=Membership.Status.ACTIVE,
        status=Meeting.Status.SCHEDULED,
        starts_at__lt=ends + buffer,
        ends_at__gt=starts - buffer,
    ).values("starts_at", "ends_at")
    busy += [Busy(m["starts_at"], m["ends_at"] + buffer) for m in meetings]
    return busy


def slots_for(
    profile: CoachProfile,
    minutes: int,
    *,
    now: datetime | None = None,
    excluding: int | None = None,
) -> list[datetime]:
    """The coach's free starts for a session of `minutes`, as UTC instants."""
    now = now or timezone.now()
    offer = offer_of(profile)
    busy = busy_for(
        profile.user_id,
        now,
        now + offer.horizon + timedelta(days=1),
        buffer=offer.buffer,
        excluding=excluding,
    )
    return free_slots(offer, minutes, now=now, busy=busy)


def nearest(slots: Sequence[datetime], to: datetime, count: int = 3) -> list[datetime]:
    """The `count` free slots nearest a wanted time, in time order."""
    return sorted(sorted(slots, key=lambda s: abs(s - to))[:count])
