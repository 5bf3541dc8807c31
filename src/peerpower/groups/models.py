"""Peer groups, their monthly meeting pattern, and who belongs to them."""

import calendar
from datetime import date, datetime
from typing import ClassVar

from dateutil.relativedelta import relativedelta, weekday
from django.conf import settings
from django.db import models
from django.utils import timezone

from peerpower.lib.timezones import local_to_utc, validate_time_zone

CONFIDENTIALITY_PLEDGE = (
    "What is said in this group stays in this group. I will not repeat, record or share what "
    "another member brings, in the room or online, nor say who said it. I will bring my own "
    "experience, not advice, and I will tell the chair if I have a conflict of interest."
)


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, "1st"
    SECOND = 2, "2nd"
    THIRD = 3, "3rd"
    FOURTH = 4, "4th"
    LAST = -1, "last"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class PeerGroup(models.Model):
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    min_size = models.PositiveSmallIntegerField(default=8)
    max_size = models.PositiveSmallIntegerField(default=16)
    default_venue = models.ForeignKey(
        "networks.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    online_link = models.URLField(
        blank=True, help_text="Video-call link, for online or hybrid meetings."
    )
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    # The meeting pattern, e.g. "2nd Tuesday, monthly, 09:30–13:30" in the group's time zone.
    week_of_month = models.SmallIntegerField(
        choices=WeekOfMonth.choices, default=WeekOfMonth.SECOND
    )
    weekday = models.SmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY)
    start_time = models.TimeField()
    end_time = models.TimeField()
    series_start = models.DateField(help_text="The first month the group meets.")
    protocol = models.ForeignKey(
        "issues.Protocol",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="How the group works an issue; empty means the standard issue processing.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "name"], name="group_name_unique_in_network"
            ),
            models.CheckConstraint(
                condition=models.Q(min_size__gte=2), name="group_min_size_at_least_2"
            ),
            models.CheckConstraint(
                condition=models.Q(max_size__gte=models.F("min_size")),
                name="group_max_size_not_below_min",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="group_pattern_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(week_of_month__in=[1, 2, 3, 4, -1]),
                name="group_week_of_month_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="group_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pattern_display(self) -> str:
        week = WeekOfMonth(self.week_of_month).label
        day = Weekday(self.weekday).label
        return f"{week} {day}, monthly, {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def duration_minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return end - start

    def meeting_times_in(self, month: date) -> tuple[datetime, datetime]:
        """Start and end (UTC) of the pattern's meeting in the month that contains `month`."""
        day = self.meeting_day_in(month)
        return (
            local_to_utc(day, self.start_time, self.time_zone),
            local_to_utc(day, self.end_time, self.time_zone),
        )

    def meeting_day_in(self, month: date) -> date:
        """The pattern's day in the month that contains `month`."""
        first = month.replace(day=1)
        if self.week_of_month == WeekOfMonth.LAST:
            last_day = calendar.monthrange(first.year, first.month)[1]
            return first + relativedelta(day=last_day, weekday=weekday(self.weekday, -1))
        return first + relativedelta(weekday=weekday(self.weekday, self.week_of_month))


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "chair"
        MEMBER = "member", "member"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposed"  # by a network admin, waiting for the chair
        INVITED = "invited", "invited"
        ACTIVE = "active", "active"
        PAUSED = "paused", "paused"
        LEFT = "left", "left"

    # Named once: a current member sees the group; one who holds a place also blocks a second
    # invitation and counts against the one-chair rule.
    CURRENT: ClassVar[tuple[str, ...]] = (Status.ACTIVE, Status.PAUSED)
    HOLDS_PLACE: ClassVar[tuple[str, ...]] = (Status.INVITED, Status.ACTIVE, Status.PAUSED)

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.INVITED)
    organisation = models.ForeignKey(
        "networks.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    pledge_accepted_at = models.DateTimeField(null=True, blank=True)
    # Who proposed the person, when a network admin did (the chair then approved).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the group was told that this person joined (an email to the members and a line in
    # the group's history). Nothing confidential opens before it: the pledge needs it.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once_per_group"),
            # One chair at a time; a chair who has left no longer counts.
            models.UniqueConstraint(
                fields=["group"],
                # Membership.HOLDS_PLACE (a class's Meta cannot see its names).
                condition=models.Q(role="chair", status__in=["invited", "active", "paused"]),
                name="membership_one_chair_per_group",
            ),
            models.CheckConstraint(
                condition=models.Q(joined_on__isnull=True)
                | models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(joined_on__isnull=False),
                name="membership_active_has_joined_on",
            ),
            # The group is told before the newcomer can accept the pledge (and so see issues).
            models.CheckConstraint(
                condition=models.Q(pledge_accepted_at__isnull=True)
                | models.Q(announced_at__isnull=False),
                name="membership_pledge_after_announcement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role}, {self.status})"

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT


class MembershipEvent(models.Model):
    """One line of a group's membership history: who joined, left, was proposed or became
    chair, when, and who did and approved it. Lines are only ever added; a person who leaves
    stays in the history (deleting a person with history is refused)."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", "proposed"
        DECLINED = "declined", "proposal declined"
        INVITED = "invited", "invited"
        WITHDRAWN = "withdrawn", "invitation withdrawn"
        JOINED = "joined", "joined"
        PAUSED = "paused", "paused"
        RESUMED = "resumed", "resumed"
        LEFT = "left", "left"
        BECAME_CHAIR = "became_chair", "became chair"
        STEPPED_DOWN = "stepped_down", "stepped down as chair"

    # The lines the whole group is told of by email as they happen.
    ANNOUNCED: ClassVar[tuple[str, ...]] = (Kind.JOINED, Kind.BECAME_CHAIR)
    # The lines every member sees; the rest (proposals, invitations and their undoing) are the
    # chair's and the admins', like the list of people invited (groups.queries.membership_history).
    SHOWN_TO_THE_GROUP: ClassVar[tuple[str, ...]] = (
        Kind.JOINED,
        Kind.PAUSED,
        Kind.RESUMED,
        Kind.LEFT,
        Kind.BECAME_CHAIR,
        Kind.STEPPED_DOWN,
    )

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="history")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    role = models.CharField(max_length=8, choices=Membership.Role.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["group", "-at"], name="history_group_at")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} ({self.group})"
