"""The monthly meetings of a group: the series, each meeting's agenda, RSVPs and attendance."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerpower.networks.models import AgendaSegmentKind


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "scheduled"
        CANCELLED = "cancelled", "cancelled"

    group = models.ForeignKey("groups.PeerGroup", on_delete=models.CASCADE, related_name="meetings")
    # The month of the series this meeting stands for (always the 1st). Regeneration matches
    # meetings to the pattern by this key, so a moved meeting keeps its place in the series.
    slot = models.DateField()
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The meeting's date where the group meets (set on save). Rules such as "members who
    # joined later do not see earlier meetings" compare dates here, in one zone for everyone.
    day = models.DateField(editable=False)
    venue = models.ForeignKey(
        "networks.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    online_link = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=200, blank=True)
    # Set once a person changes the meeting by hand; regeneration then leaves it alone.
    changed_by_hand = models.BooleanField(default=False)
    # Set by the chair from the meeting room: the room's own state, which may run ahead of the
    # clock (started early) or behind it (ended late). See has_started / has_ended.
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE: rises with every change sent to calendars.
    sequence = models.PositiveIntegerField(default=0)
    # Agenda edits that change its times are announced in one batch a few minutes after the
    # last one (meetings.actions.agenda_change_announce): `agenda_version` rises with each
    # such edit; `agenda_announced` holds the times members last had while an edit waits to
    # be announced, and is empty when nothing waits.
    agenda_version = models.PositiveIntegerField(default=0)
    agenda_announced = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["starts_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["group", "slot"], name="meeting_one_per_slot"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["starts_at"], name="meeting_starts_at_idx")]

    def __str__(self) -> str:
        return f"{self.group} — {self.slot:%B %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.day = self.starts_at.astimezone(ZoneInfo(self.group.time_zone)).date()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "starts_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "day"}
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def has_started(self, now: datetime | None = None) -> bool:
        """Under way or over: the chair started the room, or the clock passed the start,
        whichever came first."""
        return self.started_at is not None or self.starts_at <= (now or timezone.now())

    def has_ended(self, now: datetime | None = None) -> bool:
        """Over: the chair ended the room, or the clock passed the end."""
        return self.ended_at is not None or self.ends_at <= (now or timezone.now())

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def title(self) -> str:
        return f"{self.group.name} — monthly meeting"

    def confirmed_talk(self) -> Any:
        """The speaker booking confirmed for this meeting (a `speakers.Booking`), or None.
        `meetings.queries.with_agenda` prefetches it as `confirmed_talks`; else one query."""
        talks = getattr(self, "confirmed_talks", None)
        if talks is None:
            talks = list(self.speaker_bookings.filter(status="accepted").select_related("speaker"))
        return talks[0] if talks else None


@dataclass(frozen=True)
class TimedSegment:
    item: "AgendaItem"
    starts_at: datetime
    ends_at: datetime
    overruns: bool
    # On the speaker segment: the confirmed booking (speaker and talk title), if any.
    talk: Any = None


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=80)
    kind = models.CharField(
        max_length=16, choices=AgendaSegmentKind.choices, default=AgendaSegmentKind.OTHER
    )
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=480),
                name="agenda_item_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.minutes} min)"


def timed_agenda(meeting: Meeting, items: list[AgendaItem], talk: Any = None) -> list[TimedSegment]:
    """Each segment with its computed start and end; `overruns` marks those past the end.
    `talk` (a confirmed speaker booking) goes on the first speaker segment."""
    segments = []
    at = meeting.starts_at
    for item in items:
        end = at + timedelta(minutes=item.minutes)
        on_it = talk if item.kind == AgendaSegmentKind.SPEAKER else None
        talk = None if on_it is not None else talk
        segments.append(
            TimedSegment(
                item=item, starts_at=at, ends_at=end, overruns=end > meeting.ends_at, talk=on_it
            )
        )
        at = end
    return segments


class Participation(models.Model):
    """One person's answer to a meeting (RSVP) and, afterwards, the chair's record of attendance."""

    class Rsvp(models.TextChoices):
        NONE = "", "no reply yet"
        ATTENDING = "attending", "attending"
        APOLOGIES = "apologies", "apologies"

    class Attendance(models.TextChoices):
        UNRECORDED = "", "not recorded"
        PRESENT = "present", "present"
        ABSENT = "absent", "absent"
        EXCUSED = "excused", "excused"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    rsvp = models.CharField(max_length=10, choices=Rsvp.choices, blank=True, default=Rsvp.NONE)
    apology_reason = models.CharField(max_length=200, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        max_length=8, choices=Attendance.choices, blank=True, default=Attendance.UNRECORDED
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="participation_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=~models.Q(rsvp="apologies") | ~models.Q(apology_reason=""),
                name="participation_apologies_have_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}: {self.rsvp or 'no reply'}"


class ReminderSent(models.Model):
    """A reminder claimed for sending, and when it went out.

    The unique row makes claiming idempotent across workers; `sent_at` stays empty until the
    email is sent, so a send that failed (or a worker that died) is claimed again after a
    while: at least once, and never twice in the ordinary run. The row is keyed by the time
    it announced, so a meeting moved after its reminder gets a new one.
    """

    class Kind(models.TextChoices):
        WEEK = "week", "a week before"
        DAY = "day", "the day before"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    # The meeting's start the reminder announces (empty on rows from before it was kept).
    starts_at = models.DateTimeField(null=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["meeting", "user", "kind", "starts_at"], name="reminder_once_per_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.user_id} for {self.meeting_id}"


class ReplyLink(models.Model):
    """A signed one-click reply from a reminder email: it needs no password, works once and
    expires when the meeting starts. Only the token's SHA-256 is stored."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Reply link for {self.user_id} to {self.meeting_id}"
