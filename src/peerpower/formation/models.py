"""Group formation's rows: the network's pool of candidates, the admin's decisions on possible
competitors, and runs with their groups and proposal. Nothing here holds anything said in a
group: a candidate's details are their organisation's and what they are looking for."""

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peerpower.groups.models import Weekday, WeekOfMonth
from peerpower.networks.models import Organisation


class Candidate(models.Model):
    """A person in a network's formation pool: a member of one of its groups, an applicant
    (from the guests app's applications) or someone the admin added."""

    class Source(models.TextChoices):
        MEMBER = "member", "member"
        APPLICANT = "applicant", "applicant"
        ADDED = "added", "added by an admin"

    class LookingFor(models.TextChoices):
        UNKNOWN = "", "Not known"
        PEER_SUPPORT = "support", "Peer support"
        STRATEGY = "strategy", "Strategy and growth"
        FUNDING = "funding", "Income and funding"
        PEOPLE = "people", "Leading people"
        GOVERNANCE = "governance", "Trustees and governance"

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="formation_candidates"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ADDED)
    name = models.CharField(max_length=150)
    email = models.EmailField()
    organisation = models.CharField(max_length=160)
    registered_number = models.CharField("charity or company number", max_length=20, blank=True)
    sector = models.CharField(max_length=20, choices=Organisation.Sector.choices)
    size_band = models.CharField(
        "income band", max_length=10, choices=Organisation.SizeBand.choices
    )
    region = models.CharField(max_length=20, choices=Organisation.Region.choices)
    kind = models.CharField(
        "kind of organisation",
        max_length=20,
        choices=Organisation.Kind.choices,
        default=Organisation.Kind.CHARITY,
    )
    years_in_role = models.PositiveSmallIntegerField(
        "years in the role", null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    looking_for = models.CharField(
        "looking for", max_length=12, choices=LookingFor.choices, blank=True
    )
    avoid = models.CharField(
        "organisations they will not share a room with",
        max_length=500,
        blank=True,
        help_text="Names or registered numbers, separated by semicolons.",
    )
    membership = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guest_request = models.ForeignKey(
        "guests.GuestRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "email"], name="formation_candidate_once_per_network"
            ),
            models.CheckConstraint(
                condition=Q(years_in_role__lte=60), name="formation_years_in_role_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Candidate {self.pk}"

    def avoid_list(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.avoid.split(";") if part.strip())


class CompetitorDecision(models.Model):
    """The admin's word on two candidates: competitors (never in one group) or not (a
    possible competitor dismissed). ``first`` has the smaller id."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    competitors = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["first", "second"], name="formation_decision_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="formation_decision_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Competitor decision {self.pk}"


class Run(models.Model):
    """One formation run: its pool, groups, weights and time, and the proposal it made (a slot
    per candidate, edited by hand afterwards; ``locked`` candidates keep theirs on a re-run)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting to start"
        RUNNING = "running", "running"
        DONE = "done", "ready to review"
        FAILED = "failed", "could not be formed"
        ACCEPTED = "accepted", "accepted"

    WEIGHT_FIELDS: ClassVar = (
        ("sector", "weight_sector"),
        ("size", "weight_size"),
        ("region", "weight_region"),
        ("years", "weight_years"),
        ("kind", "weight_kind"),
        ("looking_for", "weight_looking_for"),
    )

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="formation_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidates = models.ManyToManyField(Candidate, related_name="runs")
    weight_sector = models.PositiveSmallIntegerField(default=5)
    weight_size = models.PositiveSmallIntegerField(default=3)
    weight_region = models.PositiveSmallIntegerField(default=1)
    weight_years = models.PositiveSmallIntegerField(default=2)
    weight_kind = models.PositiveSmallIntegerField(default=2)
    weight_looking_for = models.PositiveSmallIntegerField(default=1)
    seconds = models.PositiveSmallIntegerField(default=10)
    seed = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    best = models.FloatField(null=True, blank=True)
    iterations = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why it could not be formed: the constraint's kind and the solver's words.
    failed_constraint = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    # {candidate id: slot position}, keys as strings (JSON).
    proposal = models.JSONField(default=dict, blank=True)
    locked = models.JSONField(default=list, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(weight_sector__lte=10)
                & Q(weight_size__lte=10)
                & Q(weight_region__lte=10)
                & Q(weight_years__lte=10)
                & Q(weight_kind__lte=10)
                & Q(weight_looking_for__lte=10),
                name="formation_weights_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(seconds__gte=1) & Q(seconds__lte=300),
                name="formation_seconds_1_to_300",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1),
                name="formation_progress_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"Formation run {self.pk}"

    def weights(self) -> dict[str, int]:
        return {name: getattr(self, attr) for name, attr in self.WEIGHT_FIELDS}

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.ACCEPTED)

    def groups_by_candidate(self) -> dict[int, int]:
        return {int(k): int(v) for k, v in self.proposal.items()}


class RunGroup(models.Model):
    """A group a run fills: an existing group (its members stay) or a new one, with its venue
    (none: online) and monthly pattern, created with its chair's invitation on acceptance."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    group = models.ForeignKey(
        "groups.PeerGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=120)
    venue = models.ForeignKey(
        "networks.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    week_of_month = models.SmallIntegerField(
        choices=WeekOfMonth.choices, default=WeekOfMonth.SECOND
    )
    weekday = models.SmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    chair_email = models.EmailField(blank=True)
    min_size = models.PositiveSmallIntegerField(default=8)
    max_size = models.PositiveSmallIntegerField(default=16)

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["run", "position"], name="formation_slot_position"),
            models.CheckConstraint(
                condition=Q(min_size__lte=models.F("max_size")), name="formation_slot_bounds"
            ),
        ]

    def __str__(self) -> str:
        return self.name
