"""Personal access tokens for the HTTP API (/api/v1/).

A token belongs to one person and one network, reads (or reads and writes) with that person's
rights in that network only, expires (at most a year after it is made) and can be revoked.
Only the SHA-256 of the token is stored (accounts.models.hash_token, as for invitations and
one-click reply links), so a copy of the database cannot be used to call the API.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessToken(models.Model):
    class Access(models.TextChoices):
        READ = "read", "read only"
        WRITE = "write", "read and write"

    # Shown before the secret part, so a leaked token is recognisable in logs and scanners.
    PREFIX: ClassVar[str] = "pp_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    access = models.CharField(max_length=5, choices=Access.choices, default=Access.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"API token {self.pk}"

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.WRITE

    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
