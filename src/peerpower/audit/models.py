"""The audit log: who did what to which row, and who was refused.

An entry names a rule, a kind of row and its number, never the row's words: the log is read
by network admins, and an issue's title or a note is confidential to the group.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "allowed"
        REFUSED = "refused", "refused"

    at = models.DateTimeField(default=timezone.now)
    # None where the row belongs to no network (an account's own settings).
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # None for someone not logged in, or once the person is erased (the entry stays).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    rule = models.CharField(max_length=80)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # The row acted on, as "app.model" and its number: never its content.
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["network", "-at"], name="audit_network_at")]

    def __str__(self) -> str:
        return f"{self.rule} {self.outcome} {self.target_type}#{self.target_id}"
