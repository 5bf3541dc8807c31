"""The issues session: members' issues, backing, the live room, presenter-owned notes,
commitments and report-back, the monthly check-in, and the access log.

Everything a member writes here is confidential to the group. Rows are only ever read through
`peerpower.issues.queries`, which decides who may see them.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models

QUESTION_MAX = 300
TEXT_MAX = 2000
NOTE_MAX = 1000


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


class Issue(models.Model):
    class Urgency(models.IntegerChoices):
        CAN_WAIT = 1, "Can wait"
        SOON = 2, "Soon"
        URGENT = 3, "Urgent"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposed"
        QUEUED = "queued", "in the queue"
        PARKED = "parked", "parked for next time"
        WORKED = "worked", "worked"
        WITHDRAWN = "withdrawn", "withdrawn"

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
        ]
        indexes: ClassVar = [
            models.Index(fields=["meeting", "status"], name="issue_meeting_status_idx")
        ]

    def __str__(self) -> str:
        # Deliberately not the question: __str__ ends up in logs, admin and error reports.
        return f"Issue {self.pk}"


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


class Commitment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "open"
        IN_PROGRESS = "in_progress", "in progress"
        DONE = "done", "done"
        DROPPED = "dropped", "dropped"

    issue = models.OneToOneField(Issue, on_delete=models.CASCADE, related_name="commitment")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.CharField("What I will do", max_length=300)
    due_on = models.DateField("By when")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    report = models.CharField("What happened", max_length=300, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]

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
    comment = models.CharField("One line on your month", max_length=200, blank=True)
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


class IssueView(models.Model):
    """The access log: who opened which issue, when. The group can read it."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-viewed_at", "-pk"]

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
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Room of meeting {self.meeting_id}"
