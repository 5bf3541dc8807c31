"""The issues session: members' issues, backing, the live room, presenter-owned notes,
commitments and report-back, the monthly check-in, and the access log.

Everything a member writes here is confidential to the group. Rows are only ever read through
`peerpower.issues.queries`, which decides who may see them.
"""

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

QUESTION_MAX = 300
TEXT_MAX = 2000
NOTE_MAX = 1000
COMMITMENT_MAX = 300
CHECK_IN_COMMENT_MAX = 200
# The version of a room nobody has moved yet (its RoomState is not saved until then).
ROOM_FIRST_VERSION = 1


class Protocol(models.Model):
    """A way of working an issue: timed steps, each with the rule the room should keep."""

    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="protocols",
        help_text="Empty for the built-in protocols every network can use.",
    )
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps.all())


class ProtocolStep(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    minutes = models.PositiveSmallIntegerField()
    cue = models.CharField(
        max_length=120, help_text="Shown large in the room, e.g. “Questions only — no advice yet”."
    )

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["protocol", "position"], name="protocol_step_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=120),
                name="protocol_step_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class IssueStatus(models.TextChoices):
    PROPOSED = "proposed", "proposed"
    QUEUED = "queued", "in the queue"
    # One word for it everywhere: the issue waits for the group's next meeting.
    PARKED = "parked", "carried over"
    WORKED = "worked", "worked"
    WITHDRAWN = "withdrawn", "withdrawn"


# Still to be taken: backed, ordered, carried over.
OPEN_ISSUE_STATUSES = (IssueStatus.PROPOSED, IssueStatus.PARKED, IssueStatus.QUEUED)


class Issue(models.Model):
    class Urgency(models.IntegerChoices):
        CAN_WAIT = 1, "Can wait"
        SOON = 2, "Soon"
        URGENT = 3, "Urgent"

    Status = IssueStatus
    OPEN_STATUSES: ClassVar[tuple[str, ...]] = OPEN_ISSUE_STATUSES

    group = models.ForeignKey("groups.PeerGroup", on_delete=models.CASCADE, related_name="issues")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="issues")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issues"
    )
    question = models.CharField("How do I…?", max_length=QUESTION_MAX)
    why_now = models.TextField("Why it matters now", max_length=TEXT_MAX, blank=True)
    tried = models.TextField("What I have tried", max_length=TEXT_MAX, blank=True)
    help_wanted = models.TextField(
        "The help I want from the group", max_length=TEXT_MAX, blank=True
    )
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.SOON)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The chair's order for the session; empty until the chair fixes the queue.
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    notes_shared = models.BooleanField(
        default=False, help_text="The presenter chose to share the scribe's notes with the group."
    )
    # When the room first took it up. From then on it belongs to this meeting: it is never
    # withdrawn, edited or carried to another meeting, and its commitment reaches report-back.
    started_at = models.DateTimeField(null=True, blank=True)
    # The meeting it was carried over from, so its presenter can be told where it went.
    carried_from = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(urgency__in=[1, 2, 3]), name="issue_urgency_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(question=""), name="issue_question_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=IssueStatus.values),
                name="issue_status_valid",
            ),
            # A worked issue stays worked: never withdrawn, never carried over.
            models.CheckConstraint(
                condition=models.Q(started_at__isnull=True)
                | models.Q(status__in=[IssueStatus.QUEUED, IssueStatus.WORKED]),
                name="issue_started_stays_in_its_meeting",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["meeting", "status"], name="issue_meeting_status_idx")
        ]

    def __str__(self) -> str:
        # Deliberately not the question: __str__ ends up in logs, admin and error reports.
        return f"Issue {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_worked(self) -> bool:
        """The room has taken it up (or finished it)."""
        return self.started_at is not None or self.status == self.Status.WORKED


class Backing(models.Model):
    """A member saying “I'd like us to work on this one”."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="backings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["issue", "user"], name="backing_once")
        ]

    def __str__(self) -> str:
        return f"Backing {self.pk}"


class Note(models.Model):
    """A point the scribe captured; it belongs to the presenter."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "open"
    IN_PROGRESS = "in_progress", "in progress"
    DONE = "done", "done"
    DROPPED = "dropped", "dropped"


# What a member may report; and what comes up again at every meeting until it is finished.
REPORTED_COMMITMENT_STATUSES = (
    CommitmentStatus.DONE,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.DROPPED,
)
UNFINISHED_COMMITMENT_STATUSES = (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS)


class Commitment(models.Model):
    Status = CommitmentStatus
    REPORTED_STATUSES: ClassVar[tuple[str, ...]] = REPORTED_COMMITMENT_STATUSES
    UNFINISHED_STATUSES: ClassVar[tuple[str, ...]] = UNFINISHED_COMMITMENT_STATUSES

    issue = models.OneToOneField(Issue, on_delete=models.CASCADE, related_name="commitment")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.CharField("What I will do", max_length=COMMITMENT_MAX)
    due_on = models.DateField("By when")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    report = models.CharField("What happened", max_length=COMMITMENT_MAX, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommitmentStatus.values),
                name="commitment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reported_at__isnull=True)
                | models.Q(status__in=REPORTED_COMMITMENT_STATUSES),
                name="commitment_report_has_a_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Commitment {self.pk}"


class MonthlyUpdate(models.Model):
    """The check-in round: how the month went, at work and at home, 1–10."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="updates"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    work = models.PositiveSmallIntegerField("Work, 1–10")
    personal = models.PositiveSmallIntegerField("Personal, 1–10")
    comment = models.CharField(
        "One line on your month", max_length=CHECK_IN_COMMENT_MAX, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["meeting", "user"], name="monthly_update_once"),
            models.CheckConstraint(
                condition=models.Q(work__gte=1, work__lte=10, personal__gte=1, personal__lte=10),
                name="monthly_update_ratings_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Update {self.pk}"


def _today() -> date:
    return timezone.localdate()


class IssueView(models.Model):
    """The access log: who read which issue, once per person per issue per day. The group can
    read it."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)
    day = models.DateField(default=_today)

    class Meta:
        ordering: ClassVar = ["-viewed_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["issue", "user", "day"], name="issue_view_once_a_day")
        ]

    def __str__(self) -> str:
        return f"View {self.pk}"


class RoomState(models.Model):
    """Where the live meeting room is: the agenda segment, the issue and protocol step.

    `version` rises with every change; the room's pages poll with it, so an unchanged room
    answers in one indexed read, and a chair's action that was based on an old version loses.
    """

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="room"
    )
    segment = models.PositiveSmallIntegerField(default=0)
    segment_started_at = models.DateTimeField(null=True, blank=True)
    issue = models.ForeignKey(
        Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.PositiveSmallIntegerField(default=0)
    step_started_at = models.DateTimeField(null=True, blank=True)
    scribe = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=ROOM_FIRST_VERSION)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Room of meeting {self.meeting_id}"
