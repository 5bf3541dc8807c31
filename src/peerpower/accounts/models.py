"""People: accounts (email login, no usernames), their preferences and their invitations."""

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from peerpower.lib.timezones import validate_time_zone


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The secret in the person's calendar feed URL; replacing it revokes the old URL.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    remind_week_before = models.BooleanField("email me a week before each meeting", default=True)
    remind_day_before = models.BooleanField("email me the day before each meeting", default=True)
    remind_coaching_day_before = models.BooleanField(
        "email me the day before each coaching session", default=True
    )
    remind_coaching_hour_before = models.BooleanField(
        "email me an hour before each coaching session", default=True
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        # The name as they wrote it, never its first word ("Hello, Dr"): whatever greets them
        # (allauth, the admin) says the same as the site and its emails.
        return self.display_name


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An emailed link that lets someone join a network role or a group.

    Only the SHA-256 of the token is stored, so a copy of the database cannot be used to
    accept invitations.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", "network admin"
        COACH = "coach", "coach"
        SPEAKER = "speaker", "speaker"
        CHAIR = "chair", "chair"
        MEMBER = "member", "member"

    GROUP_ROLES: ClassVar = (Role.CHAIR, Role.MEMBER)

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="invitations"
    )
    group = models.ForeignKey(
        "groups.PeerGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # A chair invited to replace the group's chair: what the old chair becomes on acceptance.
    replaces_chair = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_chair_becomes = models.CharField(
        max_length=8, blank=True, choices=[("member", "a member"), ("left", "gone (left)")]
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["chair", "member"], group__isnull=False)
                    | models.Q(role__in=["admin", "coach", "speaker"], group__isnull=True)
                ),
                name="invitation_group_matches_role",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.email} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    @property
    def target_name(self) -> str:
        return self.group.name if self.group else self.network.name
