"""Expert speakers: the network's bureau, bookings into a meeting's speaker segment, the
members' feedback on a talk, and the slides and handouts attached to a booking.

Feedback is anonymous when the member chooses: `FeedbackResponse` carries no author then, and
`FeedbackGiven` (which stops a second response) is a keyed hash kept apart, so that the two
cannot be matched; answers wait sealed in `HeldFeedback` until the window closes and are then
written as responses in one shuffled batch. See "Anonymous feedback" in docs/architecture.md.
"""

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from peerpower.networks.models import Organisation

Region = Organisation.Region


class SpeakerSettings(models.Model):
    """A network's rules for its bureau; a network without a row has the defaults."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="speaker_settings"
    )
    repeat_months = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="The programme warns when a speaker or a topic comes back to a group within"
        " this many months.",
    )
    feedback_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Members who came can rate a talk for this many days after the meeting.",
    )
    rating_threshold = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.25"),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
        help_text="Admins see a speaker flagged when their average rating falls below this.",
    )
    upload_max_mb = models.PositiveSmallIntegerField(
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The largest slide deck or handout, in megabytes.",
    )
    question_1 = models.CharField(max_length=120, default="Useful to my organisation")
    question_2 = models.CharField(max_length=120, default="Well delivered")
    question_3 = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"Speaker settings of {self.network_id}"

    @property
    def questions(self) -> list[str]:
        return [q for q in (self.question_1, self.question_2, self.question_3) if q]


class Topic(models.Model):
    """One of the topics the network admin keeps for the bureau."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="speaker_topics"
    )
    name = models.CharField(max_length=80)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="topic_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Speaker(models.Model):
    """A speaker in a network's bureau: a person with the speaker role, or a contact (no
    log-in yet) whom an admin or chair added and may invite later."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "in person"
        ONLINE = "online", "online"
        BOTH = "both", "in person or online"

    class Fee(models.TextChoices):
        PRO_BONO = "pro_bono", "pro bono"
        FEE = "fee", "charges a fee"

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="speakers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speaker_profiles",
    )
    name = models.CharField(max_length=120)
    headline = models.CharField(max_length=160, blank=True)
    biography = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="speakers")
    tags = models.CharField(
        max_length=200, blank=True, help_text="Other subjects, separated by commas."
    )
    talks = models.TextField(blank=True, help_text="The talks you offer, one title a line.")
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.BOTH)
    # The regions' codes between commas (",london,east,"), so a filter matches whole codes.
    regions = models.CharField(max_length=300, blank=True)
    fee = models.CharField(max_length=10, choices=Fee.choices, default=Fee.PRO_BONO)
    fee_notes = models.CharField(max_length=200, blank=True)
    availability = models.TextField(blank=True)
    # Contact details: network admins and chairs only (speakers.see_contact).
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "user"],
                condition=models.Q(user__isnull=False),
                name="speaker_one_profile_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_codes(self) -> list[str]:
        return [code for code in self.regions.split(",") if code]

    def region_labels(self) -> list[str]:
        labels = dict(Region.choices)
        return [str(labels[c]) for c in self.region_codes if c in labels]

    @property
    def talk_titles(self) -> list[str]:
        return [line.strip() for line in self.talks.splitlines() if line.strip()]

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class Booking(models.Model):
    """A speaker asked to take a meeting's speaker segment, with a talk title and a brief."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "confirmed"
        DECLINED = "declined", "declined"
        WITHDRAWN = "withdrawn", "withdrawn"

    LIVE: ClassVar = (Status.PENDING, Status.ACCEPTED)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="speaker_bookings"
    )
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="bookings")
    talk_title = models.CharField(max_length=160)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    brief = models.TextField(blank=True, help_text="What the group wants from the talk.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(max_length=300, blank=True)
    other_dates = models.CharField(max_length=300, blank=True)
    # Added to the meeting's SEQUENCE in the speaker's calendar file: rises when the booking
    # itself changes (withdrawn, declined), so the speaker's CANCEL outranks the invitation.
    revision = models.PositiveIntegerField(default=0)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the feedback window closed and the held answers became responses (one batch,
    # `feedback_release_due`). Once set, the window never opens again.
    feedback_released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="booking_one_speaker_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def sequence(self) -> int:
        return int(self.meeting.sequence) + int(self.revision)


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class FeedbackResponse(models.Model):
    """A member's rating of a talk, written only when the feedback window closes, with all the
    talk's other responses in one shuffled batch (`feedback_release_due`). Anonymous ones have
    no author and nothing else that could lead back to one: a random primary key, no date, and
    no order of arrival."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="responses")
    score_1 = models.PositiveSmallIntegerField(validators=SCORE)
    score_2 = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE)
    score_3 = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE)
    comment = models.TextField(blank=True)
    # Only when the member chose to be named.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["id"]  # random: says nothing of who answered first
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(score_1__gte=1, score_1__lte=5)
                & (models.Q(score_2__isnull=True) | models.Q(score_2__gte=1, score_2__lte=5))
                & (models.Q(score_3__isnull=True) | models.Q(score_3__gte=1, score_3__lte=5)),
                name="feedback_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return "Feedback response"


class FeedbackGiven(models.Model):
    """That someone has rated a talk (so they cannot rate it twice): a keyed hash of the
    booking and the person (`sealing.answered_tokens`), with the key outside the database, so
    the row names nobody to someone holding only the database. No date, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["booking", "token"], name="feedback_once_per_member")
        ]

    def __str__(self) -> str:
        return "Feedback given"


class HeldFeedback(models.Model):
    """An answer waiting for its talk's feedback window to close: sealed and padded to one
    length (`sealing.seal`), so nothing in the database says what it is or whose; no date, a
    random key. Gone once the window closes and it is a `FeedbackResponse`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    def __str__(self) -> str:
        return "Held feedback"


def _resource_path(instance: "Resource", filename: str) -> str:
    # A random name on disk: the shown name is kept apart, so no path comes from the uploader.
    return f"speakers/{instance.booking.uid}/{uuid.uuid4().hex}"


class Resource(models.Model):
    """Slides or a handout attached to a booking, stored through Django's storage API and
    served only by `speakers:resource`, which checks the viewer may see it."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="resources")
    file = models.FileField(upload_to=_resource_path, max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
