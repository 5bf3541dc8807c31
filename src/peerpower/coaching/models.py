"""1:1 coaching: coaches' profiles and availability, engagements with an allowance, sessions,
and the private notes and goals of a coach and their coachee.

A coach can never hold two sessions that overlap, buffers included: on PostgreSQL an exclusion
constraint over the coach and `[starts_at, blocked_until)` refuses it (migration 0002); on
SQLite the booking's IMMEDIATE write transaction serialises every booking and checks inside it.
"""

import uuid
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from peerpower.lib.timezones import validate_time_zone

DEFAULT_LENGTHS = "45,60,90"
NOTE_MAX = 4000
AGENDA_MAX = 1000
GOAL_MAX = 200
UPDATE_MAX = 500
AREA_MAX = 60
AREAS_MAX = 40


class CoachingSettings(models.Model):
    """The network's coaching policy: how late a member may cancel without it counting."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="coaching_settings"
    )
    notice_hours = models.PositiveSmallIntegerField(
        "cancellation notice (hours)",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="A member who cancels later than this before a session uses it up, unless "
        "the coach waives it.",
    )

    def __str__(self) -> str:
        return f"Coaching settings of network {self.network_id}"


class Area(models.Model):
    """An area a coach works in (finance, governance and the board, …): the network's list."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="coaching_areas"
    )
    name = models.CharField(max_length=AREA_MAX)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="coaching_area_unique")
        ]

    def __str__(self) -> str:
        return self.name


DEFAULT_AREAS = (
    "Finance",
    "Fundraising",
    "Governance and the board",
    "People",
    "Strategy",
    "Operations",
    "Digital",
    "Wellbeing",
)


class CoachProfile(models.Model):
    """A coach's offer in one network: where and when they coach, and on what."""

    class Where(models.TextChoices):
        ONLINE = "online", "online"
        VENUE = "venue", "at a venue"
        PHONE = "phone", "by phone"

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="coach_profiles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_profiles"
    )
    biography = models.TextField(blank=True, max_length=3000)
    areas = models.ManyToManyField(Area, blank=True, related_name="coaches")
    time_zone = models.CharField(
        "working time zone",
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="Your weekly hours below are in this zone, and keep their clock time when "
        "the clocks change.",
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer between sessions (minutes)",
        default=15,
        validators=[MaxValueValidator(240)],
    )
    notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)", default=24, validators=[MaxValueValidator(24 * 30)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        "booking horizon (days)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    lengths = models.CharField(
        "session lengths offered (minutes)",
        max_length=40,
        default=DEFAULT_LENGTHS,
        help_text="Comma-separated, e.g. 45, 60, 90.",
    )
    where = models.CharField(max_length=8, choices=Where.choices, default=Where.ONLINE)
    where_detail = models.CharField(
        "link, venue or phone number",
        max_length=300,
        blank=True,
        help_text="Sent to your coachee with each booking.",
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "user"], name="coach_profile_unique"),
            models.CheckConstraint(
                condition=models.Q(buffer_minutes__lte=240), name="coach_buffer_at_most_4h"
            ),
            models.CheckConstraint(
                condition=models.Q(horizon_days__gte=1, horizon_days__lte=366),
                name="coach_horizon_1_to_366_days",
            ),
        ]

    def __str__(self) -> str:
        return f"Coach profile {self.pk}"

    @property
    def length_choices(self) -> list[int]:
        return parse_lengths(self.lengths)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


def parse_lengths(text: str) -> list[int]:
    """ "45, 60,90" -> [45, 60, 90]; anything that is not a whole number of 15–240 is dropped."""
    found = set()
    for part in text.split(","):
        part = part.strip()
        if part.isdigit() and 15 <= int(part) <= 240:
            found.add(int(part))
    return sorted(found)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AvailabilityRule(models.Model):
    """Weekly hours in the coach's zone, e.g. Tuesday 09:00–12:00 (wall-clock, DST-proof)."""

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField("from")
    ends = models.TimeField("until")

    class Meta:
        ordering: ClassVar = ["weekday", "starts"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="availability_ends_after"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="availability_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A day off (the whole day, no times) or extra hours on one day, in the coach's zone."""

    class Kind(models.TextChoices):
        OFF = "off", "not available"
        EXTRA = "extra", "extra hours"

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField()
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.OFF)
    starts = models.TimeField("from", null=True, blank=True)
    ends = models.TimeField("until", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["day", "starts"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind="off")
                | models.Q(starts__isnull=False, ends__isnull=False, ends__gt=models.F("starts")),
                name="availability_extra_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"


class Engagement(models.Model):
    """A member's coaching with one coach: an allowance of sessions or hours over a period."""

    class Unit(models.TextChoices):
        SESSIONS = "sessions", "sessions"
        HOURS = "hours", "hours"

    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        PAUSED = "paused", "paused"
        ENDED = "ended", "ended"

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="engagements"
    )
    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, related_name="engagements")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_engagements"
    )
    unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.SESSIONS)
    allowance = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    areas = models.ManyToManyField(Area, blank=True, related_name="engagements")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-starts_on", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="engagement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(allowance__gte=1), name="engagement_allowance_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Engagement {self.pk}"

    @property
    def allowance_minutes(self) -> int:
        return self.allowance * 60


class Session(models.Model):
    """One booked hour (or 45 or 90 minutes) between a coach and a member.

    `blocked_until` is the end widened by the coach's buffer at booking time: no two live
    sessions of one coach (any network, any member) may have overlapping
    `[starts_at, blocked_until)`. The UID is fixed for life; SEQUENCE rises with each change
    sent out, so calendars replace the entry.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "booked"
        HELD = "held", "held"
        NO_SHOW = "no_show", "no-show"
        CANCELLED = "cancelled", "cancelled"

    # Sessions that hold the coach's time (and so the exclusion constraint's WHERE).
    LIVE: ClassVar[tuple[str, ...]] = (Status.BOOKED, Status.HELD, Status.NO_SHOW)

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sessions")
    # Denormalised from the engagement so the database can compare a coach's sessions
    # across every engagement and network.
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coached_sessions"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    # A cancellation by the member inside the network's notice: it counts unless waived.
    late = models.BooleanField(default=False)
    waived = models.BooleanField(default=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    agenda = models.TextField("agenda note", blank=True, max_length=AGENDA_MAX)
    idempotency_key = models.UUIDField()
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["starts_at", "pk"]
        indexes: ClassVar = [models.Index(fields=["coach", "starts_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gte=models.F("ends_at")),
                name="session_buffer_after_end",
            ),
            models.CheckConstraint(
                condition=models.Q(late=False) | models.Q(status="cancelled"),
                name="session_late_only_when_cancelled",
            ),
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="session_idempotency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def counts(self) -> bool:
        """Whether it uses the allowance: live, or cancelled late and not waived."""
        return self.is_live or (self.late and not self.waived)


class SessionNote(models.Model):
    """The coach's own note (coach only) or a shared note (coach and member)."""

    class Kind(models.TextChoices):
        PRIVATE = "private", "coach's own"
        SHARED = "shared", "shared with the member"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Session note {self.pk}"


class Goal(models.Model):
    """What the member is working on in an engagement; may link one of their commitments."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=GOAL_MAX)
    commitment = models.ForeignKey(
        "issues.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coaching_goals",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class GoalUpdate(models.Model):
    """Progress on a goal: a short text and the member's 1–5 self-rating."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=UPDATE_MAX)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="goal_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Goal update {self.pk}"


class SessionReminder(models.Model):
    """A reminder claimed for a session at its current time: unique, so several workers send
    it once, and a moved session (a new start) is reminded again."""

    class Kind(models.TextChoices):
        DAY = "day", "the day before"
        HOUR = "hour", "an hour before"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    starts_at = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["session", "user", "kind", "starts_at"], name="session_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"Session reminder {self.pk}"
