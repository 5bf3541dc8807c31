"""The operator's side: networks, their partners and venues, members' organisations, roles."""

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from peerpower.lib.timezones import validate_time_zone


class Network(models.Model):
    """An operator that runs peer groups; every other row belongs to exactly one network."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    contact_email = models.EmailField(blank=True)
    issue_retention_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="Issues, notes and check-ins of meetings older than this many months are erased.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(issue_retention_months__gte=1),
                name="network_retention_at_least_a_month",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A host partner, e.g. a shared office for charities that lends its meeting rooms."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=120)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "name"], name="partner_name_unique_in_network"
            )
        ]

    def __str__(self) -> str:
        return self.name


def venue_regions() -> list[tuple[str, str]]:
    """A venue's choice of region: anywhere, or one of the organisations' regions."""
    return [("", "Anywhere"), *Organisation.Region.choices]


class Venue(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="venues")
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="venues"
    )
    name = models.CharField(max_length=120)
    address = models.TextField()
    access_notes = models.TextField(
        blank=True, help_text="Step-free access, parking, which bell to ring, Wi-Fi."
    )
    # The region whose leaders can reach the venue: group formation puts only them in a group
    # that meets here. Blank: anyone (the venue's reach is not limited).
    region = models.CharField(
        "the region it serves",
        max_length=20,
        blank=True,
        choices=venue_regions,
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="venue_name_unique_in_network")
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A member's charity or social enterprise."""

    class Sector(models.TextChoices):
        ARTS = "arts", "Arts and culture"
        COMMUNITY = "community", "Community development"
        EDUCATION = "education", "Education and training"
        ENVIRONMENT = "environment", "Environment"
        HEALTH = "health", "Health and social care"
        HOUSING = "housing", "Housing and homelessness"
        EMPLOYMENT = "employment", "Employment and skills"
        YOUTH = "youth", "Children and young people"
        OTHER = "other", "Other"

    class SizeBand(models.TextChoices):
        # Income bands as used by the UK charity regulators' annual returns.
        MICRO = "micro", "Under £10k"
        SMALL = "small", "£10k–£100k"
        MEDIUM = "medium", "£100k–£1m"
        LARGE = "large", "£1m–£10m"
        MAJOR = "major", "Over £10m"

    class Region(models.TextChoices):
        NORTH_EAST = "north-east", "North East"
        NORTH_WEST = "north-west", "North West"
        YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
        EAST_MIDLANDS = "east-midlands", "East Midlands"
        WEST_MIDLANDS = "west-midlands", "West Midlands"
        EAST = "east", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south-east", "South East"
        SOUTH_WEST = "south-west", "South West"
        WALES = "wales", "Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"

    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity"
        SOCIAL_ENTERPRISE = "social-enterprise", "Social enterprise"
        CIC = "cic", "Community interest company"
        COOP = "co-op", "Co-operative"
        OTHER = "other", "Other"

    # Each size band's annual income in pounds, from (inclusive) and up to (exclusive; None:
    # no upper end), to find a band's prices on a sliding scale set in pounds (fees.FeeBand).
    INCOME_POUNDS: ClassVar[dict[str, tuple[int, int | None]]] = {
        SizeBand.MICRO: (0, 10_000),
        SizeBand.SMALL: (10_000, 100_000),
        SizeBand.MEDIUM: (100_000, 1_000_000),
        SizeBand.LARGE: (1_000_000, 10_000_000),
        SizeBand.MAJOR: (10_000_000, None),
    }

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=160)
    registered_number = models.CharField(
        max_length=20, blank=True, help_text="Charity or company number, if registered."
    )
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    size_band = models.CharField(max_length=10, choices=SizeBand.choices, default=SizeBand.SMALL)
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.LONDON)
    kind = models.CharField(
        "kind of organisation", max_length=20, choices=Kind.choices, default=Kind.CHARITY
    )
    # Shown on members' networking profiles, with the organisation's visibility.
    website = models.URLField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "name"], name="organisation_name_unique_in_network"
            )
        ]

    def __str__(self) -> str:
        return self.name


class NetworkRole(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "network admin"
        COACH = "coach", "coach"
        SPEAKER = "speaker", "speaker"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "user", "role"], name="network_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.network}"


class AgendaSegmentKind(models.TextChoices):
    ARRIVAL = "arrival", "Arrival and check-in"
    SPEAKER = "speaker", "Expert speaker"
    BREAK = "break", "Break"
    ISSUES = "issues", "Issues session"
    NETWORKING = "networking", "Networking"
    OTHER = "other", "Other"


# The half-day format: 4 hours, filled exactly.
DEFAULT_AGENDA: list[tuple[str, str, int]] = [
    ("Arrival and check-in", AgendaSegmentKind.ARRIVAL, 30),
    ("Expert speaker", AgendaSegmentKind.SPEAKER, 60),
    ("Break", AgendaSegmentKind.BREAK, 15),
    ("Issues session", AgendaSegmentKind.ISSUES, 90),
    ("Networking and lunch", AgendaSegmentKind.NETWORKING, 45),
]


class AgendaTemplateItem(models.Model):
    """One segment of the network's standard agenda, copied into every new meeting."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="agenda_template")
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
                fields=["network", "position"], name="agenda_template_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=480),
                name="agenda_template_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.minutes} min)"


class ReplyReminder(models.Model):
    """A chair's (or admin's) reminder to the members who had not replied to a meeting.

    One a day per meeting, the day being the group's own: the unique row is the claim, so two
    people pressing at once, on two servers, send one round."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["meeting", "day"], name="reply_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Reply reminder for meeting {self.meeting_id} on {self.day}"
