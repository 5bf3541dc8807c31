"""Webhooks: a network's admins name an address that hears of chosen events
(lib.events.EVENTS); each event becomes one Delivery per endpoint, sent signed and retried.

The signing secret is kept as it is (the receiver needs the same one to check a signature);
it signs what we send and opens nothing of ours: a leaked secret lets someone forge messages to
the receiver, not read from us, and replacing it is one click.
"""

import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Endpoint(models.Model):
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("address", max_length=500)
    description = models.CharField(max_length=120, blank=True)
    # Keys of lib.events.EVENTS.
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=80, default=new_secret)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event for one endpoint: its body, fixed when the event happened, and how sending it
    went. `event_id` is the same on every attempt, so a receiver can drop a repeat."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting to be sent"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "gave up"

    # Attempts after the first, in seconds after the one before: about a day in all.
    BACKOFF: ClassVar[tuple[int, ...]] = (60, 300, 1800, 7200, 28800, 43200)
    # How long an attempt holds its delivery (a second worker leaves it alone meanwhile).
    LEASE_SECONDS: ClassVar[int] = 120

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4)
    event = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes: ClassVar = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to endpoint {self.endpoint_id}"
