"""Making, revoking and using personal access tokens (check, then do)."""

import secrets
import zoneinfo
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerpower.accounts.models import User, hash_token
from peerpower.api.models import AccessToken
from peerpower.lib.rules import require
from peerpower.lib.timezones import local_to_utc
from peerpower.networks.models import Network

# A token lives at most this long; the person renews it by making a new one.
MAX_DAYS = 366
NAME_MAX = 80
# last_used_at is written at most once in this many seconds per token.
LAST_USED_EVERY = 60


def token_create(
    *, by: User, network: Network, name: str, access: str, expires_on: date | None
) -> tuple[AccessToken, str]:
    """Make a token for `by` in `network`; return the row and the token itself, which is
    shown once and never stored (only its SHA-256 is). It works until the end of
    `expires_on` in the person's time zone: a day after today and at most a year ahead."""
    require(by, "api.create_token", network)
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the token a name, so you know later what uses it."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters."
    if access not in AccessToken.Access.values:
        errors["access"] = "Choose read only, or read and write."
    today = timezone.localdate(timezone.now(), timezone=zoneinfo.ZoneInfo(by.time_zone))
    if expires_on is None:
        errors["expires_on"] = "Choose the day the token stops working."
    elif expires_on < today:
        errors["expires_on"] = "That day has passed: choose today or a later day."
    elif expires_on > today + timedelta(days=MAX_DAYS - 1):
        errors["expires_on"] = "A token lasts at most a year: choose an earlier day."
    if errors:
        raise ValidationError(errors)
    assert expires_on is not None  # noqa: S101 (checked above; for mypy)
    raw = AccessToken.PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=by,
            network=network,
            name=name,
            access=access,
            token_hash=hash_token(raw),
            expires_at=local_to_utc(expires_on + timedelta(days=1), time(0, 0), by.time_zone),
        )
    return token, raw


def token_revoke(*, by: User, token: AccessToken) -> None:
    """Revoke the token: the next request with it is refused (401). Revoking twice is
    refused, so the page says what happened."""
    require(by, "api.revoke_token", token)
    if token.revoked_at is not None:
        raise ValidationError("This token is already revoked.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_used(*, token: AccessToken) -> None:
    """Note that the token was used now, at most once a minute (one conditional UPDATE, so
    many servers answering at once write it once)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < timedelta(
        seconds=LAST_USED_EVERY
    ):
        return
    stale = now - timedelta(seconds=LAST_USED_EVERY)
    AccessToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
