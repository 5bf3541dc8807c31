"""Surveys and their answers: the evidence of what the groups are worth.

A `Survey` is one version of a set of `Question`s. The built-in ones (network None) come from
a data migration (`migrations/0002_builtin_surveys.py`, the questions in `builtins.py`); a
network admin's edit of a version that has been sent is a new version in the same `family`, so
an answer always reads against the questions it answered.

A `Round` is one sending of a survey: to one member (baseline, follow-ups, exit), to the
members present at one meeting (after the meeting) or to one group for a quarter (group
health). `Invitation` is one person asked. A named answer is a `Response` with its
`respondent`, editable until the round closes. An anonymous answer is held sealed
(`HeldAnswer`, as the speakers' `HeldFeedback`: padded, encrypted, keyed by a keyed hash of the
round and the person so they can find and change it) and becomes a `Response` with no author
only when the round closes, in one shuffled batch.
"""

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class Survey(models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", "baseline"
        FOLLOWUP_6 = "followup_6", "6-month follow-up"
        FOLLOWUP_12 = "followup_12", "12-month follow-up"
        AFTER_MEETING = "after_meeting", "after the meeting"
        GROUP_HEALTH = "group_health", "group health"
        EXIT = "exit", "exit"

    # None: a built-in survey, the one every network uses until it edits its own.
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    family = models.UUIDField(default=uuid.uuid4)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=120)
    intro = models.TextField(blank=True)
    anonymous = models.BooleanField(default=False)
    # Days a round stays open once sent.
    open_days = models.PositiveSmallIntegerField(default=14)
    retired = models.BooleanField(default=False)  # an older version
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["kind", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["family", "version"], name="survey_version_once"),
            models.CheckConstraint(
                condition=models.Q(open_days__gte=1, open_days__lte=90),
                name="survey_open_1_to_90_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE_5 = "scale5", "scale 1 to 5"
        SCALE_10 = "scale10", "scale 0 to 10"
        SINGLE = "single", "one choice"
        MULTIPLE = "multiple", "several choices"
        NUMBER = "number", "number"
        SHORT = "short", "short text"
        LONG = "long", "long text"

    SCALES: ClassVar[tuple[str, ...]] = (Kind.SCALE_5, Kind.SCALE_10)
    TEXTS: ClassVar[tuple[str, ...]] = (Kind.SHORT, Kind.LONG)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    # The measure it feeds, the same across versions ("confidence"), so versions compare.
    key = models.SlugField(max_length=40)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    # A number's upper bound (people served, staff): a typo of three extra zeros is refused.
    number_max = models.PositiveIntegerField(null=True, blank=True)
    # A high answer is worse (feeling isolated, anxiety).
    lower_is_better = models.BooleanField(default=False)
    # A single choice whose choices are in order, scored 1, 2, 3… (the loneliness items).
    scored = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_key_once"),
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_once"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_measure(self) -> bool:
        """A question whose answers are figures (a mean, a change)."""
        return self.kind in self.SCALES or self.kind == self.Kind.NUMBER or self.scored

    @property
    def scale(self) -> tuple[int, int] | None:
        if self.kind == self.Kind.SCALE_5:
            return (1, 5)
        if self.kind == self.Kind.SCALE_10:
            return (0, 10)
        return None


class Round(models.Model):
    """One sending of a survey. `key` names what it is for ("baseline:m12", "meeting:40",
    "health:g3:2026Q4"), unique in the network, so scheduling it twice makes one round."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "groups.PeerGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=60)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # When it closed for good (anonymous: when its held answers became responses).
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-opens_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "key"], name="round_once_per_key"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.pk}"

    def is_open(self, now: Any) -> bool:
        return self.released_at is None and self.opens_at <= now < self.closes_at


class Invitation(models.Model):
    """One person asked to answer a round; says nothing of whether they answered."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "user"], name="survey_invitation_once")
        ]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk}"


class Response(models.Model):
    """An answer: `answers` maps each question's key to its value (an int for a scale or a
    number, a string for one choice or text, a list for several choices). Named: its
    respondent, editable until the round closes. Anonymous: no respondent and no time, a random
    key, written in one shuffled batch when the round closes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    answers = models.JSONField(default=dict)
    # The respondent agreed that their "what changed" may be quoted (without their name) in
    # the network's impact report. Named answers only.
    may_quote = models.BooleanField(default=False)
    updated_at = models.DateTimeField(null=True, blank=True)  # named answers only

    class Meta:
        ordering: ClassVar = ["id"]  # random: says nothing of who answered first
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="survey_response_once",
            ),
            models.CheckConstraint(
                condition=models.Q(respondent__isnull=False) | models.Q(updated_at__isnull=True),
                name="anonymous_response_has_no_time",
            ),
        ]

    def __str__(self) -> str:
        return "Survey response"


class HeldAnswer(models.Model):
    """An anonymous answer waiting for its round to close: sealed and padded to one length
    (`lib.sealing`), keyed by a keyed hash of the round and the person (the key outside the
    database), so they can change it until the round closes while nothing in the database says
    whose it is or what it says. No date, a random key; gone once the round closes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    sealed = models.TextField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "token"], name="held_answer_once")
        ]

    def __str__(self) -> str:
        return "Held answer"


class BusinessCase(models.Model):
    """A member's own board paper for their trustees: each paragraph as they last edited it
    (a paragraph they never edited is the current default, made fresh from the network's
    figures and their fee plan)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_cases"
    )
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    paragraphs = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "network"], name="business_case_once")
        ]

    def __str__(self) -> str:
        return f"Business case {self.pk}"
