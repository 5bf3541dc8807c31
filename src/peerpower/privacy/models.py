"""Consents: what a person agreed to, when, and the exact words they saw.

The words are stored once per version (`ConsentText`, keyed by the first 12 hex digits of
their SHA-256, the guests' pledge-version scheme), so a later change to a pledge or a privacy
notice never changes what an earlier agreement says it was to."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ConsentText(models.Model):
    version = models.CharField(max_length=12, primary_key=True)
    text = models.TextField()
    first_used_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Consent text {self.version}"


class Consent(models.Model):
    class Kind(models.TextChoices):
        PLEDGE = "pledge", "the group's confidentiality pledge"
        GUEST_PLEDGE = "guest_pledge", "a guest's confidentiality pledge"
        GUEST_CONTACT = "guest_contact", "to be contacted about a visit"

    # None: given on the public request form, before there was an account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    guest_request = models.ForeignKey(
        "guests.GuestRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    words = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "given_at"], name="consent_user_given")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.words_id}) at {self.given_at:%Y-%m-%d %H:%M}"
