"""Coaching actions: profiles and hours, engagements, booking, moving, cancelling, marking,
notes and goals. Each checks its rule first, then validates and writes in one transaction;
emails go on commit through tasks that take ids.

Booking can never double-book a coach (buffers included) nor go beyond the allowance,
whatever arrives at once:
- on PostgreSQL the exclusion constraint `session_no_overlap` (migration 0002) refuses an
  overlapping live session in the database itself, and the engagement's row is locked
  (`SELECT … FOR UPDATE`) while its allowance is counted;
- on SQLite every write transaction is IMMEDIATE (settings), so bookings run one after another
  and the overlap and allowance checks inside the transaction see every earlier booking.
The loser is told the time was just taken (`SlotTaken`, with the nearest free slots).
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.models import User
from peerpower.coaching import queries, tasks
from peerpower.coaching.models import (
    AGENDA_MAX,
    AREA_MAX,
    AREAS_MAX,
    DEFAULT_AREAS,
    NOTE_MAX,
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
    parse_lengths,
)
from peerpower.coaching.slots import clash, in_hours
from peerpower.issues.models import Commitment
from peerpower.lib.rules import require
from peerpower.networks.models import Network, NetworkRole

TAKEN = "That time was just taken."
ADMINS_ONLY = "Only the network's admins can change an engagement."


class SlotTaken(ValidationError):
    """Someone else booked the time (or the coach's time around it) first."""

    def __init__(self, nearest: Sequence[datetime], free: Sequence[datetime] = ()) -> None:
        super().__init__({"starts_at": [TAKEN]}, code="taken")
        self.nearest = list(nearest)
        self.free = list(free)  # every free slot now, so the page need not work them out again


class _Clash(Exception):
    pass


def settings_for(network: Network) -> CoachingSettings:
    """The network's coaching policy, made with its defaults the first time it is asked, when
    the network's list of areas begins with the usual ones (its admins change it)."""
    found, made = CoachingSettings.objects.get_or_create(network=network)
    if made and not Area.objects.filter(network=network).exists():
        Area.objects.bulk_create(Area(network=network, name=name) for name in DEFAULT_AREAS)
    return found


def areas_set(*, network: Network, names: Sequence[str], by: User) -> list[Area]:
    """The network's list of areas coaches work in: names not yet there are added, names
    left out are removed (from coaches' profiles too), except one an engagement works on."""
    require(by, "coaching.manage", network)
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name:
            wanted.setdefault(name.casefold(), name)
    if not wanted:
        raise ValidationError({"names": ["Give at least one area."]})
    if len(wanted) > AREAS_MAX:
        raise ValidationError({"names": [f"Give at most {AREAS_MAX} areas."]})
    too_long = [n for n in wanted.values() if len(n) > AREA_MAX]
    if too_long:
        raise ValidationError(
            {"names": [f"Keep each area under {AREA_MAX} characters: {too_long[0][:20]}…"]}
        )
    with transaction.atomic():
        current = {a.name.casefold(): a for a in Area.objects.filter(network=network)}
        dropped = [a for key, a in current.items() if key not in wanted]
        in_use = [a.name for a in dropped if a.engagements.exists()]
        if in_use:
            raise ValidationError(
                {"names": [f"Keep {', '.join(in_use)}: an engagement works on it."]}
            )
        Area.objects.filter(pk__in=[a.pk for a in dropped]).delete()
        for key, name in wanted.items():
            area = current.get(key)
            if area is None:
                Area.objects.create(network=network, name=name)
            elif area.name != name:
                area.name = name
                area.save(update_fields=["name"])
    return list(Area.objects.filter(network=network))


def settings_update(*, network: Network, notice_hours: int, by: User) -> CoachingSettings:
    """Set the network's cancellation notice (hours)."""
    require(by, "coaching.manage", network)
    if not 0 <= notice_hours <= 24 * 14:
        raise ValidationError({"notice_hours": ["Give a notice of 0 to 336 hours."]})
    found = settings_for(network)
    found.notice_hours = notice_hours
    found.save(update_fields=["notice_hours"])
    return found


def profile_for(*, network: Network, user: User) -> CoachProfile:
    """The coach's profile in the network, made with defaults (in the person's own zone) the
    first time. Only for someone who holds the coach role there."""
    if not NetworkRole.objects.filter(
        network=network, user=user, role=NetworkRole.Role.COACH
    ).exists():
        raise ValidationError("That person is not a coach of this network.")
    profile, made = CoachProfile.objects.get_or_create(
        network=network, user=user, defaults={"time_zone": user.time_zone}
    )
    if made:
        settings_for(network)  # so the network has its list of areas to choose from
    return profile


def profile_update(
    *,
    profile: CoachProfile,
    biography: str,
    time_zone: str,
    buffer_minutes: int,
    notice_hours: int,
    horizon_days: int,
    lengths: str,
    where: str,
    where_detail: str,
    areas: Sequence[Area],
    by: User,
) -> CoachProfile:
    """Change the coach's offer. Booked sessions keep their times (and their buffer)."""
    require(by, "coaching.edit_profile", profile)
    if not parse_lengths(lengths):
        raise ValidationError({"lengths": ["Give at least one length from 15 to 240 minutes."]})
    if any(area.network_id != profile.network_id for area in areas):
        raise ValidationError({"areas": ["Choose the network's own areas."]})
    profile.biography = biography.strip()
    profile.time_zone = time_zone
    profile.buffer_minutes = buffer_minutes
    profile.notice_hours = notice_hours
    profile.horizon_days = horizon_days
    profile.lengths = ", ".join(str(n) for n in parse_lengths(lengths))
    profile.where = where
    profile.where_detail = where_detail.strip()
    profile.full_clean()
    with transaction.atomic():
        profile.save()
        profile.areas.set(areas)
    return profile


def rule_add(
    *, profile: CoachProfile, weekday: int, starts: time, ends: time, by: User
) -> AvailabilityRule:
    """Add weekly hours (in the coach's zone)."""
    require(by, "coaching.edit_profile", profile)
    if ends <= starts:
        raise ValidationError({"ends": ["End after the start."]})
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": ["Choose a day of the week."]})
    return AvailabilityRule.objects.create(coach=profile, weekday=weekday, starts=starts, ends=ends)


def rule_remove(*, rule: AvailabilityRule, by: User) -> None:
    """Remove weekly hours. Sessions already booked in them stay."""
    require(by, "coaching.edit_profile", rule.coach)
    rule.delete()


def exception_add(
    *,
    profile: CoachProfile,
    day: date,
    kind: str,
    starts: time | None,
    ends: time | None,
    by: User,
) -> AvailabilityException:
    """A day off, or extra hours on one day. Sessions already booked that day stay."""
    require(by, "coaching.edit_profile", profile)
    if kind == AvailabilityException.Kind.EXTRA:
        if starts is None or ends is None:
            raise ValidationError({"starts": ["Give the extra hours' start and end."]})
        if ends <= starts:
            raise ValidationError({"ends": ["End after the start."]})
    else:
        starts = ends = None
    return AvailabilityException.objects.create(
        coach=profile, day=day, kind=kind, starts=starts, ends=ends
    )


def exception_remove(*, exception: AvailabilityException, by: User) -> None:
    """Remove a day off or extra hours."""
    require(by, "coaching.edit_profile", exception.coach)
    exception.delete()


# --- engagements


def engagement_create(
    *,
    network: Network,
    coach: User,
    member: User,
    unit: str,
    allowance: int,
    starts_on: date,
    ends_on: date,
    areas: Sequence[Area],
    by: User,
) -> Engagement:
    """A network admin gives a member coaching with a coach. Both are told by email."""
    require(by, "coaching.manage", network)
    errors: dict[str, list[str]] = {}
    if coach.pk == member.pk:
        errors["member"] = ["A coach cannot coach themselves."]
    if ends_on < starts_on:
        errors["ends_on"] = ["End on or after the start."]
    if not 1 <= allowance <= 500:
        errors["allowance"] = ["Give an allowance of 1 to 500."]
    if any(area.network_id != network.pk for area in areas):
        errors["areas"] = ["Choose the network's own areas."]
    if errors:
        raise ValidationError(errors)
    try:
        profile = profile_for(network=network, user=coach)
    except ValidationError:
        raise ValidationError({"coach": ["That person is not a coach of this network."]}) from None
    with transaction.atomic():
        engagement = Engagement.objects.create(
            network=network,
            coach=profile,
            member=member,
            unit=unit,
            allowance=allowance,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by,
        )
        engagement.areas.set(areas)
        transaction.on_commit(lambda: tasks.send_engagement_started(engagement_id=engagement.pk))
    return engagement


def engagement_change(
    *, engagement: Engagement, status: str, ends_on: date, allowance: int, by: User
) -> Engagement:
    """Extend (a later end or a larger allowance), pause or end early. Sessions already booked
    stay; a paused or ended engagement takes no new bookings."""
    require(by, "coaching.manage", engagement)
    if ends_on < engagement.starts_on:
        raise ValidationError({"ends_on": ["End on or after the start."]})
    if not 1 <= allowance <= 500:
        raise ValidationError({"allowance": ["Give an allowance of 1 to 500."]})
    if status not in Engagement.Status.values:
        raise ValidationError({"status": ["Choose a status."]})
    engagement.status = status
    engagement.ends_on = ends_on
    engagement.allowance = allowance
    engagement.save(update_fields=["status", "ends_on", "allowance"])
    return engagement


# --- booking


def _check_time(
    engagement: Engagement, starts_at: datetime, minutes: int, *, now: datetime
) -> None:
    """The checks of a wanted time that need no lock: the length offered, not past, the
    notice, the horizon, the engagement's period and the coach's hours."""
    profile = engagement.coach
    if minutes not in profile.length_choices:
        raise ValidationError({"minutes": ["Choose one of the lengths the coach offers."]})
    if starts_at <= now:
        raise ValidationError({"starts_at": ["That time has passed."]})
    if starts_at < now + timedelta(hours=profile.notice_hours):
        raise ValidationError(
            {"starts_at": [f"The coach needs {profile.notice_hours} hours' notice."]}
        )
    if starts_at + timedelta(minutes=minutes) > now + timedelta(days=profile.horizon_days):
        raise ValidationError(
            {"starts_at": [f"The coach takes bookings up to {profile.horizon_days} days ahead."]}
        )
    local_day = starts_at.astimezone(ZoneInfo(profile.time_zone)).date()
    if not engagement.starts_on <= local_day <= engagement.ends_on:
        raise ValidationError({"starts_at": ["That day is outside the engagement's period."]})
    offer = queries.offer_of(profile)
    if local_day in offer.off_days:
        raise ValidationError({"starts_at": ["The coach is not available that day."]})
    if not in_hours(offer, starts_at, minutes):
        raise ValidationError({"starts_at": ["That time is outside the coach's hours."]})


def _check_allowance(engagement: Engagement, minutes: int, *, excluding: int | None) -> None:
    sessions = [s for s in engagement.sessions.all() if s.pk != excluding]
    allowance = queries.allowance_of(engagement, sessions)
    wanted = minutes if engagement.unit == Engagement.Unit.HOURS else 1
    if allowance.used + wanted > allowance.allowed:
        raise ValidationError(
            {
                "starts_at": [
                    f"That is beyond the allowance: {allowance.remaining_text} left of "
                    f"{allowance.allowed_text}."
                ]
            },
            code="allowance",
        )


def _check_free(
    engagement: Engagement, starts_at: datetime, ends_at: datetime, *, excluding: int | None
) -> None:
    buffer = engagement.coach.buffer
    busy = queries.busy_for(
        engagement.coach.user_id,
        starts_at - timedelta(days=1),
        ends_at + timedelta(days=1),
        buffer=buffer,
        excluding=excluding,
    )
    if clash(starts_at, ends_at, buffer, busy):
        raise _Clash


def _taken(
    engagement: Engagement, minutes: int, wanted: datetime, excluding: int | None
) -> SlotTaken:
    slots = queries.slots_for(engagement.coach, minutes, excluding=excluding)
    return SlotTaken(queries.nearest(slots, wanted), slots)


def _locked(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("coach")
        .get(pk=engagement.pk)
    )


@sensitive_variables("agenda")
def session_book(
    *,
    engagement: Engagement,
    starts_at: datetime,
    minutes: int,
    agenda: str = "",
    idempotency_key: uuid.UUID,
    by: User,
    now: datetime | None = None,
) -> Session:
    """Book a session for the engagement's member, once per idempotency key.

    The same key sent again (a double click, a retried request) returns the session it
    booked; the same key for another time is refused. Takes the engagement's row lock
    (PostgreSQL) inside the write transaction (IMMEDIATE on SQLite), counts the allowance and
    checks the coach's time there; the exclusion constraint refuses what slips past
    (PostgreSQL). Raises SlotTaken with the nearest free slots if the time is gone."""
    require(by, "coaching.book", engagement)
    now = now or timezone.now()
    agenda = agenda.strip()
    if len(agenda) > AGENDA_MAX:
        raise ValidationError({"agenda": [f"Keep the agenda note under {AGENDA_MAX} characters."]})
    ends_at = starts_at + timedelta(minutes=minutes)
    try:
        with transaction.atomic():
            engagement = _locked(engagement)
            replay = Session.objects.filter(member=by, idempotency_key=idempotency_key).first()
            if replay is not None:
                if replay.engagement_id == engagement.pk and replay.starts_at == starts_at:
                    return replay
                raise ValidationError(
                    {
                        "starts_at": [
                            "This booking form was already sent. Open the booking page again "
                            "to book another time."
                        ]
                    },
                    code="replayed",
                )
            _check_time(engagement, starts_at, minutes, now=now)
            _check_allowance(engagement, minutes, excluding=None)
            _check_free(engagement, starts_at, ends_at, excluding=None)
            try:
                with transaction.atomic():
                    session = Session.objects.create(
                        engagement=engagement,
                        coach_id=engagement.coach.user_id,
                        member=engagement.member,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        blocked_until=ends_at + engagement.coach.buffer,
                        agenda=agenda,
                        idempotency_key=idempotency_key,
                    )
            except IntegrityError as error:
                if "idempotency" in str(error):
                    raise ValidationError(
                        {"starts_at": ["This booking form was already sent."]}, code="replayed"
                    ) from error
                raise _Clash from error
            transaction.on_commit(
                lambda: tasks.send_session_change(session_id=session.pk, change="booked")
            )
            return session
    except _Clash:
        raise _taken(engagement, minutes, starts_at, None) from None


def _late(session: Session, now: datetime) -> bool:
    notice = settings_for(session.engagement.network).notice_hours
    return now > session.starts_at - timedelta(hours=notice)


def session_reschedule(
    *, session: Session, starts_at: datetime, by: User, now: datetime | None = None
) -> Session:
    """Move a booked session to another free time of the same length. The member may not move
    it inside the network's notice (they may cancel, which counts); the coach may. Same UID,
    SEQUENCE one higher; both people get the new calendar entry."""
    require(by, "coaching.change_session", session)
    now = now or timezone.now()
    if session.status != Session.Status.BOOKED:
        raise ValidationError("Only a booked session can be moved.")
    if by.pk == session.member_id and _late(session, now):
        notice = settings_for(session.engagement.network).notice_hours
        raise ValidationError(
            {
                "starts_at": [
                    f"It is less than {notice} hours before the session: cancel it (it "
                    "counts against your allowance) or ask your coach to move it."
                ]
            }
        )
    minutes = session.minutes
    ends_at = starts_at + timedelta(minutes=minutes)
    try:
        with transaction.atomic():
            engagement = _locked(session.engagement)
            session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
            if session.status != Session.Status.BOOKED:
                raise ValidationError("Only a booked session can be moved.")
            _check_time(engagement, starts_at, minutes, now=now)
            _check_free(engagement, starts_at, ends_at, excluding=session.pk)
            session.starts_at = starts_at
            session.ends_at = ends_at
            session.blocked_until = ends_at + engagement.coach.buffer
            session.sequence += 1
            try:
                with transaction.atomic():
                    session.save(
                        update_fields=["starts_at", "ends_at", "blocked_until", "sequence"]
                    )
            except IntegrityError as error:
                raise _Clash from error
            transaction.on_commit(
                lambda: tasks.send_session_change(session_id=session.pk, change="moved")
            )
            return session
    except _Clash:
        raise _taken(session.engagement, minutes, starts_at, session.pk) from None


def session_cancel(*, session: Session, by: User, now: datetime | None = None) -> Session:
    """Cancel a booked session. A member's cancellation inside the network's notice is late
    and counts against the allowance until the coach waives it; the coach's never counts."""
    require(by, "coaching.change_session", session)
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.status != Session.Status.BOOKED:
            raise ValidationError("Only a booked session can be cancelled.")
        if session.starts_at <= now:
            raise ValidationError("The session has begun: the coach marks it held or a no-show.")
        session.status = Session.Status.CANCELLED
        session.late = by.pk == session.member_id and _late(session, now)
        session.cancelled_by = by
        session.cancelled_at = now
        session.sequence += 1
        session.save(update_fields=["status", "late", "cancelled_by", "cancelled_at", "sequence"])
        transaction.on_commit(
            lambda: tasks.send_session_change(session_id=session.pk, change="cancelled")
        )
    return session


def session_waive(*, session: Session, by: User) -> Session:
    """The coach lets a late cancellation off: it no longer counts against the allowance."""
    require(by, "coaching.coach_session", session)
    if not session.late:
        raise ValidationError("Only a late cancellation can be waived.")
    session.waived = True
    session.save(update_fields=["waived"])
    return session


def session_mark(
    *, session: Session, outcome: str, by: User, now: datetime | None = None
) -> Session:
    """After it began, the coach marks the session held or a no-show (both count)."""
    require(by, "coaching.coach_session", session)
    now = now or timezone.now()
    if outcome not in (Session.Status.HELD, Session.Status.NO_SHOW):
        raise ValidationError({"outcome": ["Choose held or no-show."]})
    if session.status not in Session.LIVE:
        raise ValidationError("A cancelled session cannot be marked.")
    if session.starts_at > now:
        raise ValidationError("Mark a session once it has begun.")
    session.status = outcome
    session.save(update_fields=["status"])
    return session


# --- notes and goals


@sensitive_variables("text")
def note_add(*, session: Session, kind: str, text: str, by: User) -> SessionNote:
    """A note on a session: the coach's own (only the coach writes and reads it) or shared
    (either writes; both read)."""
    rule = "coaching.coach_session" if kind == SessionNote.Kind.PRIVATE else "coaching.see_session"
    require(by, rule, session)
    if kind not in SessionNote.Kind.values:
        raise ValidationError({"kind": ["Choose what kind of note."]})
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["Write the note."]})
    if len(text) > NOTE_MAX:
        raise ValidationError({"text": [f"Keep a note under {NOTE_MAX} characters."]})
    return SessionNote.objects.create(session=session, author=by, kind=kind, text=text)


@sensitive_variables("title")
def goal_add(*, engagement: Engagement, title: str, by: User) -> Goal:
    """A goal for the engagement, set by the member or the coach."""
    require(by, "coaching.set_goals", engagement)
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Name the goal."]})
    return Goal.objects.create(engagement=engagement, title=title[:200])


@sensitive_variables("text")
def goal_progress(*, goal: Goal, text: str, rating: int, by: User) -> GoalUpdate:
    """The member's progress on a goal: a short text and a 1–5 self-rating."""
    require(by, "coaching.update_goal", goal)
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Say how it is going."]
    if not 1 <= rating <= 5:
        errors["rating"] = ["Rate from 1 to 5."]
    if errors:
        raise ValidationError(errors)
    return GoalUpdate.objects.create(goal=goal, by=by, text=text[:500], rating=rating)


def goal_link(*, goal: Goal, commitment: Commitment | None, by: User) -> Goal:
    """Link one of the member's own commitments to the goal (or unlink with None): the coach
    then sees its text and due date, nothing else of the group's session."""
    require(by, "coaching.update_goal", goal)
    if commitment is not None and commitment.member_id != by.pk:
        raise ValidationError({"commitment": ["Choose one of your own commitments."]})
    goal.commitment = commitment
    goal.save(update_fields=["commitment"])
    return goal
