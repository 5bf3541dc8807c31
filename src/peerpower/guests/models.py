"""Guests: the network's public page, a person's request to come to a meeting as a guest, the
conflict check against the group, the visit under the pledge, feedback and the application."""

import hashlib
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from peerpower.groups.models import CONFIDENTIALITY_PLEDGE
from peerpower.networks.models import Organisation

# The pledge a guest accepts is the group's; its version is a digest of the text, so a record
# says which words were accepted even after the wording changes.
GUEST_PLEDGE = CONFIDENTIALITY_PLEDGE
GUEST_PLEDGE_VERSION = hashlib.sha256(GUEST_PLEDGE.encode()).hexdigest()[:12]
# The box a guest ticks on the public form (recorded with the privacy notice they were shown).
CONTACT_CONSENT = "I agree to be contacted about a visit"

DEFAULT_INTRO = (
    "Each group is about a dozen leaders of charities and social enterprises who meet once a "
    "month for half a day. Members bring the questions they are working on, the issues they "
    "cannot easily talk through with their staff or trustees, and the group helps by sharing "
    "experience, not advice. What is said in the group stays in the group: every member, and "
    "every guest, accepts a confidentiality pledge."
)
DEFAULT_DECLINE = (
    "Thank you for asking to come to one of our groups. We are not able to offer you a place "
    "this time, usually because a group already has a member whose organisation is close to "
    "yours. We will keep your interest in mind, and you are welcome to ask again."
)
DEFAULT_PRIVACY = (
    "We use what you tell us only to arrange your visit and to follow it up. Only the "
    "network's organisers and the chair of the group you would visit see it. We erase it a "
    "year after we last heard from you, unless you join; you can withdraw and have it erased "
    "at any time from the link in our emails."
)


class GuestSettings(models.Model):
    """What a network publishes about its groups, and how it handles guests."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="guest_settings"
    )
    published = models.BooleanField(
        default=True, help_text="Show the public page and take requests."
    )
    intro = models.TextField(
        "how the groups work", default=DEFAULT_INTRO, help_text="In plain language."
    )
    costs = models.TextField(
        "what it costs", blank=True, help_text="Leave empty to say nothing about fees."
    )
    privacy_notice = models.TextField(default=DEFAULT_PRIVACY)
    decline_message = models.TextField(
        default=DEFAULT_DECLINE, help_text="Sent to a guest whose request is declined."
    )
    chair_approval = models.BooleanField(
        "chairs approve guests",
        default=False,
        help_text="A guest invited to a meeting is asked only once the group's chair agrees.",
    )
    retention_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Requests that do not lead to membership are erased this long after the "
        "last activity.",
    )

    class Meta:
        verbose_name_plural = "guest settings"

    def __str__(self) -> str:
        return f"Guest settings of {self.network}"


class GroupGuestSettings(models.Model):
    """Whether a group appears on the public page, and how many guests a meeting takes."""

    group = models.OneToOneField(
        "groups.PeerGroup", on_delete=models.CASCADE, related_name="guest_settings"
    )
    listed = models.BooleanField("takes guests (shown on the public page)", default=False)
    places = models.PositiveSmallIntegerField(
        "guest places per meeting", default=2, validators=[MaxValueValidator(10)]
    )
    area = models.CharField(max_length=80, blank=True, help_text='e.g. "Leeds" or "online".')

    class Meta:
        verbose_name_plural = "group guest settings"

    def __str__(self) -> str:
        return f"Guest settings of {self.group}"


class GuestRequest(models.Model):
    """One person's request to come as a guest, and everything after it, to membership."""

    class Status(models.TextChoices):
        NEW = "new", "new (address not confirmed)"
        CONFIRMED = "confirmed", "confirmed"
        INVITED = "invited", "invited"
        DECLINED = "declined", "declined"
        VISITED = "visited", "visited"
        APPLIED = "applied", "applied"
        MEMBER = "member", "member"
        WITHDRAWN = "withdrawn", "withdrawn"
        EXPIRED = "expired", "expired"

    class ChairDecision(models.TextChoices):
        NOT_NEEDED = "", "not needed"
        PENDING = "pending", "waiting for the chair"
        APPROVED = "approved", "approved by the chair"
        REFUSED = "refused", "refused by the chair"

    class Attendance(models.TextChoices):
        UNRECORDED = "", "not recorded"
        PRESENT = "present", "present"
        ABSENT = "absent", "absent"

    class WouldJoin(models.TextChoices):
        YES = "yes", "Yes"
        MAYBE = "maybe", "Maybe"
        NO = "no", "No"

    class HeldBack(models.TextChoices):
        NOTHING = "", "Nothing"
        COST = "cost", "The cost"
        TRUSTEES = "trustees", "My trustees"
        TIME = "time", "Time"
        NOT_FOR_ME = "not_for_me", "It's not for me"
        OTHER = "other", "Something else"

    # Triage never shows requests whose address was not confirmed.
    IN_TRIAGE: ClassVar[tuple[str, ...]] = (
        Status.CONFIRMED,
        Status.INVITED,
        Status.DECLINED,
        Status.VISITED,
        Status.APPLIED,
        Status.MEMBER,
        Status.WITHDRAWN,
    )
    # Came to a meeting and may join: they may make the trustee business case (impact).
    CONSIDERING_JOINING: ClassVar[tuple[str, ...]] = (
        Status.VISITED,
        Status.APPLIED,
        Status.MEMBER,
    )

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="guest_requests"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    # The request
    name = models.CharField(max_length=150)
    email = models.EmailField()
    job_title = models.CharField("your role", max_length=120)
    organisation = models.CharField("organisation", max_length=160)
    registered_number = models.CharField("charity or company number", max_length=20, blank=True)
    sector = models.CharField(max_length=20, choices=Organisation.Sector.choices)
    income_band = models.CharField(
        "annual income", max_length=10, choices=Organisation.SizeBand.choices
    )
    region = models.CharField(max_length=20, choices=Organisation.Region.choices)
    reason = models.TextField("why you would like to come", max_length=2000)
    preferred_group = models.ForeignKey(
        "groups.PeerGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred_area = models.CharField("or a preferred area", max_length=80, blank=True)
    heard_from = models.CharField("how you heard of us", max_length=200, blank=True)
    consent = models.BooleanField(default=False)
    # A second request from the same address, waiting for its confirmation link.
    pending_update = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # The invitation to a meeting
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chair_decision = models.CharField(
        max_length=8, choices=ChairDecision.choices, blank=True, default=ChairDecision.NOT_NEEDED
    )
    invite_token_hash = models.CharField(max_length=64, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    # The visit
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guest_requests",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    pledge_accepted_at = models.DateTimeField(null=True, blank=True)
    pledge_version = models.CharField(max_length=12, blank=True)
    cannot_come_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        max_length=8, choices=Attendance.choices, blank=True, default=Attendance.UNRECORDED
    )
    visited_at = models.DateTimeField(null=True, blank=True)
    # Afterwards
    followed_up_at = models.DateTimeField(null=True, blank=True)
    usefulness = models.PositiveSmallIntegerField(
        "how useful was the meeting",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_join = models.CharField(
        "would you join", max_length=5, choices=WouldJoin.choices, blank=True
    )
    held_back = models.CharField(
        "what holds you back", max_length=10, choices=HeldBack.choices, blank=True
    )
    held_back_other = models.CharField("anything else", max_length=300, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    hopes = models.TextField("what you hope to get from a group", blank=True)
    time_commitment = models.CharField("the time you can commit", max_length=200, blank=True)
    trustees_view = models.TextField("your trustees' view", blank=True)
    application_group = models.ForeignKey(
        "groups.PeerGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    application_declined_at = models.DateTimeField(null=True, blank=True)
    application_decline_reason = models.TextField(blank=True)
    membership = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-last_activity_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["network", "status"], name="guest_request_status"),
            models.Index(fields=["network", "email"], name="guest_request_email"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(pledge_accepted_at__isnull=True)
                | models.Q(pledge_version__gt=""),
                name="guest_pledge_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"Guest request {self.pk} ({self.get_status_display()})"

    # The steps at which a request is tied to its meeting: invited, then came, applied, joined.
    AT_MEETING: ClassVar[tuple[str, ...]] = (
        Status.INVITED,
        Status.VISITED,
        Status.APPLIED,
        Status.MEMBER,
    )

    @property
    def invitation_sent(self) -> bool:
        """The guest has been sent the invitation to their meeting: it exists, and the chair's
        approval was not needed or given. Before that the guest sees nothing of the meeting."""
        return (
            self.meeting_id is not None
            and self.status in self.AT_MEETING
            and self.chair_decision in (self.ChairDecision.NOT_NEEDED, self.ChairDecision.APPROVED)
        )

    @property
    def holds_place(self) -> bool:
        return (
            self.meeting_id is not None
            and self.status == self.Status.INVITED
            and self.chair_decision != self.ChairDecision.REFUSED
        )


class ConflictFinding(models.Model):
    """One reason a guest might not fit a group, found by the conflict check, for the admin to
    confirm (a real conflict: no invitation to that group) or dismiss."""

    class Kind(models.TextChoices):
        SAME_ORGANISATION = "same_org", "the same organisation"
        COMPETITOR = "competitor", "a possible competitor"
        AVOID = "avoid", "a member asked not to meet this organisation"

    class State(models.TextChoices):
        OPEN = "open", "to decide"
        CONFIRMED = "confirmed", "confirmed"
        DISMISSED = "dismissed", "dismissed"

    request = models.ForeignKey(GuestRequest, on_delete=models.CASCADE, related_name="findings")
    group = models.ForeignKey("groups.PeerGroup", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("groups.Membership", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["request", "membership", "kind"], name="conflict_finding_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for request {self.request_id}"


class OrganisationToAvoid(models.Model):
    """A member's wish not to meet a given organisation in their group (a funder, a rival, a
    former employer). Only the conflict check reads it; the guest never learns of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisations_to_avoid"
    )
    name = models.CharField("organisation", max_length=160)
    registered_number = models.CharField("charity or company number", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"Organisation to avoid ({self.pk})"
